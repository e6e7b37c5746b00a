/** Spring Boot auto-configuration of the Winnow vector store ({@code spring.ai.vectorstore.winnow.*}). */
package dev.winnow.springai.autoconfigure;
