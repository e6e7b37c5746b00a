package dev.winnow.springai.examples;

import java.util.List;
import java.util.Map;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot app whose {@link VectorStore} is Winnow's, auto-configured from properties with the bundled
 * MiniLM model, offline: it adds a few documents, then prints a filtered similarity search.
 *
 * <pre>
 * bench/run-module-main.sh spring-ai dev.winnow.springai.examples.WinnowSpringAiExample \
 *     --spring.ai.vectorstore.winnow.index-folder=target/example-store
 * </pre>
 */
@SpringBootApplication
public class WinnowSpringAiExample {

  public static void main(String[] args) {
    new SpringApplicationBuilder(WinnowSpringAiExample.class).web(WebApplicationType.NONE).run(args).close();
  }

  @Bean
  CommandLineRunner demo(VectorStore store) {
    return args -> {
      store.add(List.of(
          new Document("everest", "Mount Everest is Earth's highest mountain above sea level.", Map.of("topic", "geo")),
          new Document("k2", "K2 is the second-highest mountain on Earth.", Map.of("topic", "geo")),
          new Document("yoga", "A yoga class combines breathing, postures and meditation.", Map.of("topic", "health"))));
      for (Document d : store.similaritySearch(SearchRequest.builder().query("Which mountain is the tallest?")
          .topK(2).filterExpression("topic == 'geo'").build())) {
        System.out.printf("%.3f  %s  %s%n", d.getScore(), d.getId(), d.getText());
      }
    };
  }
}
