package eu.mhealthhub.agora.mail;

/**
 * What a message says, as plain text blocks the composer writes into both parts: it escapes them
 * in the HTML part, so callers never hand over markup. Links are absolute http(s) URLs or paths of
 * Agora ({@code /threads/7#post-12}), which become URLs under AGORA_PUBLIC_URL.
 */
public sealed interface MailBlock {

  /** A heading, for example the working group in a digest. */
  record Heading(String text) implements MailBlock {}

  /** A paragraph; line breaks are kept. */
  record Paragraph(String text) implements MailBlock {}

  /** Quoted text, for example the post that mentioned the recipient. */
  record Quote(String text) implements MailBlock {}

  /** A link on its own line: "Open the thread". */
  record Action(String label, String url) implements MailBlock {}
}
