package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.Mail;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailMessage;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The e-mail pages in a real browser: the unsubscribe page by keyboard, and axe-core on every mail page. */
@InChromium
@DisplayName("The e-mail pages in a real browser")
class MailBrowserTest {

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver driver;
  private static Mail mail;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    driver = chromium.driver();
    mail = app.agora().services().mail();
  }

  private static eu.mhealthhub.agora.notify.Delivery mentions(long memberId) throws Exception {
    return app.agora().services().notifications().delivery(memberId, eu.mhealthhub.agora.notify.NotificationKind.MENTION)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void forgetEverything() {
    chromium.clearCookies();
  }

  /** Sends a mention to a new member through the outbox; returns the message as the loopback server received it. */
  private static DevMailServer.Received sendMention(long memberId) throws Exception {
    MailMessage message = mail.composer().compose(new Letter(memberId, Locale.ENGLISH, "mention",
        Fixtures.unique("[Assessment] Outcomes: you were mentioned"), Optional.of("thread-2"),
        List.of(new MailBlock.Paragraph("Jonas mentioned you."), new MailBlock.Quote("What about time saved?"),
            new MailBlock.Action("Open the thread", "/threads/2"))));
    app.agora().services().database().pool().withTransaction(tx -> mail.outbox().enqueue(tx,
        OutgoingMail.now("reader@example.org", memberId, "mention", message)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      for (DevMailServer.Received r : mail.devServer().orElseThrow().received()) {
        if (r.headers().stream().anyMatch(h -> h.value().equals(message.messageId()))) {
          return r;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not received");
  }

  @Test
  @DisplayName("the unsubscribe page works by keyboard and passes axe-core, before and after")
  void unsubscribeByKeyboard() throws Exception {
    long member = app.signInNew(new Browser(), "Ida Keyboard", Fixtures.unique("ida") + "@example.org");
    DevMailServer.Received received = sendMention(member);
    String link = received.headers().stream().filter(h -> h.name().equalsIgnoreCase("List-Unsubscribe")).findFirst()
        .orElseThrow().value();
    driver.get(link.substring(1, link.indexOf('>')));
    chromium.assertAccessible("unsubscribe confirmation");
    assertThat(mentions(member)).isEqualTo(eu.mhealthhub.agora.notify.Delivery.IMMEDIATELY);
    driver.findElement(By.cssSelector("form.unsubscribe button")).sendKeys(Keys.ENTER);
    Chromium.waiting(driver, 10).until(ExpectedConditions.presenceOfElementLocated(By.id("unsubscribed")));
    chromium.assertAccessible("unsubscribed");
    assertThat(mentions(member)).as("mentions now stay on the site").isEqualTo(eu.mhealthhub.agora.notify.Delivery.PAGE);
  }

  @Test
  @DisplayName("/admin/mail, /dev/mail and a received message pass axe-core for an admin, the HTML part in its sandboxed frame")
  void adminPages() throws Exception {
    long member = app.signInNew(new Browser(), "Jo Reader", Fixtures.unique("jo") + "@example.org");
    DevMailServer.Received received = sendMention(member);
    Chromium.signIn(driver, app.url("/"), "Maria Hoffmann");
    driver.get(app.url("/admin/mail"));
    chromium.assertAccessible("outgoing e-mail");
    driver.get(app.url("/dev/mail"));
    chromium.assertAccessible("received e-mail");
    driver.findElement(By.cssSelector("#mail-received a[href='/dev/mail/" + received.number() + "']")).click();
    Chromium.waiting(driver, 10).until(ExpectedConditions.urlContains("/dev/mail/" + received.number()));
    chromium.assertAccessible("one received message");
    driver.switchTo().frame(driver.findElement(By.id("mail-html")));
    try {
      assertThat(driver.findElement(By.tagName("blockquote")).getText()).isEqualTo("What about time saved?");
    } finally {
      driver.switchTo().defaultContent();
    }
  }
}
