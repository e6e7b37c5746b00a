package dev.winnow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The machine a benchmark ran on, for the report. */
final class MachineFacts {
  private MachineFacts() {}

  static String describe() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
    } catch (IOException | RuntimeException ignored) {
      // not Linux: keep "unknown CPU"
    }
    String load = "";
    try {
      load = ", load average at start " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return String.format("%s; %d cores; %.1f GiB max heap; Java %s (%s); %s%s",
        cpu, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024),
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), load);
  }

  /** Peak resident set size of this process in KiB (Linux VmHWM: the JVM plus native libraries), or -1. */
  static long peakRssKb() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
