package dev.winnow.langchain4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.langchain4j.examples.RagExample;
import org.junit.jupiter.api.Test;

/** The example main runs offline and retrieves the Everest segment for the Everest question. */
class RagExampleIT {
  @Test
  void promptHoldsTheRelevantSegment() {
    String prompt = RagExample.prompt("Which mountain is the tallest, and how tall is it?");
    System.out.println(prompt);
    assertTrue(prompt.contains("8,849"), prompt);
    assertTrue(!prompt.contains("Yoga"), prompt);
  }
}
