package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every language is complete: a missing key fails the build, not a reader's page. */
class MessageBundlesTest {

  private static Properties bundle(Locale locale) throws IOException {
    Properties p = new Properties();
    try (InputStream in = MessageBundlesTest.class.getResourceAsStream("/i18n/messages_" + locale.getLanguage() + ".properties")) {
      if (in == null) {
        throw new AssertionError("no bundle for " + locale);
      }
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }

  @Test
  @DisplayName("every bundle has exactly the keys of every other, none of them empty")
  void bundlesAreComplete() throws IOException {
    Set<String> all = new TreeSet<>();
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      all.addAll(bundle(l).stringPropertyNames());
    }
    List<String> problems = new ArrayList<>();
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      Properties p = bundle(l);
      for (String key : all) {
        String value = p.getProperty(key);
        if (value == null) {
          problems.add(l + " lacks " + key);
        } else if (value.isBlank()) {
          problems.add(l + " has an empty " + key);
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  @DisplayName("every pattern with arguments is a valid MessageFormat with the same arguments in every language")
  void patternsAreValid() throws IOException {
    Properties en = bundle(Locale.ENGLISH);
    Pattern arg = Pattern.compile("\\{(\\d)");
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      Properties p = bundle(l);
      for (String key : p.stringPropertyNames()) {
        String value = p.getProperty(key);
        new MessageFormat(value, l);
        assertFalse(value.contains("'") && value.contains("{"), l + " " + key + ": use ’ in patterns with arguments");
        assertEquals(arguments(arg, en.getProperty(key)), arguments(arg, value), l + " " + key);
      }
    }
  }

  private static Set<String> arguments(Pattern arg, String value) {
    Set<String> found = new TreeSet<>();
    Matcher m = arg.matcher(value == null ? "" : value);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  @DisplayName("every key a template asks for exists")
  void templatesUseKnownKeys() throws IOException {
    Properties en = bundle(Locale.ENGLISH);
    Pattern use = Pattern.compile("\\{\\{#?t \"([a-z0-9.]+)\"");
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/resources/templates"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".hbs")).toList()) {
        Matcher m = use.matcher(Files.readString(f));
        while (m.find()) {
          if (en.getProperty(m.group(1)) == null) {
            missing.add(f + ": " + m.group(1));
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), String.join("\n", missing));
  }

  @Test
  @DisplayName("every message key named in Java code exists")
  void javaUsesKnownKeys() throws IOException {
    Properties en = bundle(Locale.ENGLISH);
    // message keys have three or more parts (post.error.stale); event and log names have two
    // (post.created). The first parts are the bundle's own, so a new area of keys is checked too.
    String areas = String.join("|", new TreeSet<>(en.stringPropertyNames().stream().map(k -> k.substring(0, k.indexOf('.')))
        .toList()));
    Pattern use = Pattern.compile("\"((?:" + areas + ")(?:\\.[a-zA-Z0-9]+){2,})\"");
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = use.matcher(Files.readString(f));
        while (m.find()) {
          String key = m.group(1);
          if (!key.endsWith(".") && en.getProperty(key) == null) {
            missing.add(f + ": " + key);
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), String.join("\n", missing));
  }
}
