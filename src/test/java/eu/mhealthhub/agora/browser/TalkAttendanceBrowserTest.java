package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The live room's script reports presence on talk.<id> while the room is open, so the member's attendance is recorded. */
@InChromium
@DisplayName("Talk attendance in a real browser")
class TalkAttendanceBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("a signed-in member who opens an open room's page is recorded as present; on a scheduled room's page nothing is")
  void roomPageRecordsAttendance() {
    String open = Fixtures.unique("attendopen");
    long openId = TestDatabase.count("""
        INSERT INTO talks (slug, title, starts_at, ends_at, room_state)
        VALUES (?, ?, now() - interval '5 minutes', now() + interval '55 minutes', 'open') RETURNING id""",
        open, "Open room " + open);
    String scheduled = Fixtures.unique("attendsched");
    long scheduledId = TestDatabase.count("""
        INSERT INTO talks (slug, title, starts_at, ends_at)
        VALUES (?, ?, now() + interval '1 day', now() + interval '1 day 1 hour') RETURNING id""",
        scheduled, "Scheduled room " + scheduled);
    long elena = Fixtures.demoMember("demo-elena");
    chromium.clearCookies();
    ChromeDriver d = chromium.driver();
    assertEquals("Elena Rossi", Chromium.signIn(d, app.url("/"), "Elena Rossi"));

    d.get(app.url("/talks/" + scheduled));
    Chromium.waiting(d, 15).until(ExpectedConditions.presenceOfElementLocated(By.id("room")));
    d.get(app.url("/talks/" + open));
    Chromium.waiting(d, 15).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#room[data-presence]")));
    Chromium.waiting(d, 15).pollingEvery(Duration.ofMillis(200)).until(x ->
        TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE talk_id = ? AND member_id = ?", openId, elena) == 1);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE talk_id = ?", scheduledId)).isZero();
  }
}
