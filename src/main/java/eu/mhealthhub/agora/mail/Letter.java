package eu.mhealthhub.agora.mail;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller asks the {@link MailComposer} to write.
 *
 * @param memberId  the recipient, whose unsubscribe link this message carries; 0 for someone who is not a member (no link)
 * @param locale    the recipient's language: the fixed parts (footer, unsubscribe text) come from its bundle
 * @param kind      what the message is about, as unsubscribing knows it ({@code mention}, {@code digest.daily}...):
 *                  lower-case letters, digits, {@code . _ -}
 * @param subject   the whole subject, as the caller wants it (the wiring puts group and thread in it)
 * @param threadKey messages with the same key are one conversation to mail clients ({@code thread-42}), or empty
 * @param body      the message, in blocks the composer escapes
 */
public record Letter(long memberId, Locale locale, String kind, String subject, Optional<String> threadKey,
    List<MailBlock> body) {

  public Letter {
    body = List.copyOf(body);
    if (!UnsubscribeTokens.validKind(kind)) {
      throw new IllegalArgumentException("not a mail kind: " + kind);
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("a message needs a subject");
    }
    threadKey.ifPresent(k -> {
      if (!k.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException("a thread key is 1 to 100 letters, digits and . _ -: " + k);
      }
    });
  }
}
