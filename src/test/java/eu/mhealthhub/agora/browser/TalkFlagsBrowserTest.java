package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Flags in a Talk room that a visitor watches in a real browser: the held message turns into a notice live. */
@InChromium
@DisplayName("Flags in a live Talk room")
class TalkFlagsBrowserTest {

  @Test
  @DisplayName("a visitor's open room shows the notice in place of a chat message as soon as flags hold it, and the room with its flag and notice links passes axe")
  void heldMessageLive(Chromium visitor) throws Exception {
    TestApp app = TestApp.shared();
    long group = Fixtures.group(Fixtures.unique("liveflags"), false, true);
    TestDatabase.update("UPDATE working_groups SET flag_threshold = 1 WHERE id = ?", group);
    String slug = Fixtures.unique("liveflagtalk");
    long talk = Fixtures.talk(slug, group);
    TestDatabase.update("UPDATE talks SET room_state = 'open', starts_at = now() + interval '3 years', ends_at = now() + interval '3 years 1 hour' WHERE id = ?", talk);
    Browser author = new Browser();
    long authorId = app.signInNew(author, "Arno Advert", Fixtures.unique("arno") + "@example.org");
    long message = TestDatabase.count("""
        INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html)
        VALUES (?, ?, 'Cheap pills here', '<p>Cheap pills here</p>') RETURNING id""", talk, authorId);

    Browser flagger = new Browser();
    long flaggerId = app.signInNew(flagger, "Fenna Flagger", Fixtures.unique("fenna") + "@example.org");
    Fixtures.member(group, flaggerId, "member");
    long thread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Took part', ?, 1) RETURNING id",
        group, flaggerId);
    TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) VALUES (?, 1, ?, 'Hello', '<p>Hello</p>')
        RETURNING id""", thread, flaggerId);

    visitor.clearCookies();
    visitor.driver().get(app.url("/talks/" + slug));
    var wait = Chromium.waiting(visitor.driver(), 15);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-" + message), "Cheap pills here"));
    assertThat(visitor.driver().findElements(By.cssSelector("#message-" + message + " a.notice-link"))).hasSize(1);
    assertThat(visitor.driver().findElements(By.cssSelector("a.flag-link"))).isEmpty();
    visitor.assertAccessible("the Talk room with notice links, as a visitor");
    Thread.sleep(1500); // the room's socket connects after the page has loaded

    assertThat(flagger.post(app.url("/flags/message/" + message), Map.of("_csrf", app.csrf(flagger), "reason", "spam")).status())
        .isEqualTo(303);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#message-" + message + " p.notice")));
    assertThat(visitor.driver().findElement(By.id("message-" + message)).getText()).doesNotContain("Cheap pills");
  }
}
