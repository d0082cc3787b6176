package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A page has one connection to the event-bus bridge however many of its parts are live (the thread,
 * refreshing regions, the unread badge, the notification badge): every part registers its
 * addresses on the page's one socket. The browser's WebSocket is wrapped before any script runs, so
 * that every socket the page opens (SockJS's included) is counted with the addresses registered on it.
 */
@InChromium
@DisplayName("One live connection per page")
class LiveConnectionBrowserTest {

  /** Counts the page's WebSockets and the addresses each registers (plain or SockJS-framed). */
  private static final String COUNTER = """
      (function () {
        var Native = window.WebSocket;
        window.agoraSockets = [];
        function registered(record, data) {
          try {
            var parsed = JSON.parse(data);
            (Array.isArray(parsed) ? parsed.map(function (m) { return JSON.parse(m); }) : [parsed]).forEach(function (f) {
              if (f.type === 'register') { record.addresses.push(f.address); }
            });
          } catch (e) { /* not JSON: not a bridge frame */ }
        }
        function Counted(url, protocols) {
          var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
          var record = { url: String(url), addresses: [] };
          window.agoraSockets.push(record);
          var send = ws.send.bind(ws);
          ws.send = function (data) { registered(record, data); return send(data); };
          return ws;
        }
        Counted.prototype = Native.prototype;
        ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { Counted[k] = Native[k]; });
        window.WebSocket = Counted;
      })();
      """;

  private static TestApp app;
  private static Chromium chromium;
  private String script;

  @BeforeAll
  static void start(Chromium one) {
    app = TestApp.shared();
    chromium = one;
  }

  @BeforeEach
  void count() {
    script = (String) chromium.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        Map.of("source", COUNTER)).get("identifier");
  }

  @AfterEach
  void stopCounting() {
    chromium.driver().executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> sockets(ChromeDriver d) {
    return (List<Map<String, Object>>) d.executeScript("return window.agoraSockets || [];");
  }

  /** Waits until the page's sockets registered every expected address, then a moment for any late socket. */
  private static List<Map<String, Object>> settled(ChromeDriver d, List<String> expected) throws InterruptedException {
    long end = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < end) {
      List<String> all = sockets(d).stream().flatMap(s -> ((List<String>) s.get("addresses")).stream()).toList();
      if (all.containsAll(expected)) {
        break;
      }
      Thread.sleep(100);
    }
    Thread.sleep(1500);
    return sockets(d);
  }

  @SuppressWarnings("unchecked")
  private static List<String> addresses(Map<String, Object> socket) {
    return (List<String>) socket.get("addresses");
  }

  @Test
  @DisplayName("a signed-in member's thread page (posts, unread badge, notification badge) opens one socket and registers every address on it")
  void threadPage() throws Exception {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Dr Jonas Becker", Chromium.signIn(d, app.url("/"), "Dr Jonas Becker"));
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Patient-reported outcomes worth measuring'");
    long jonas = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-jonas'");
    long groupId = TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", threadId);
    d.get(app.url("/threads/" + threadId));
    assertFalse(d.findElements(By.cssSelector("#posts[data-live]")).isEmpty(), "the thread is live");
    assertFalse(d.findElements(By.id("unread-badge")).isEmpty(), "the unread badge is on the page");
    assertFalse(d.findElements(By.id("notification-badge")).isEmpty(), "the notification badge is on the page");

    List<Map<String, Object>> sockets = settled(d, List.of("thread." + threadId, "member." + jonas, "group." + groupId));
    assertEquals(1, sockets.size(), "one connection for the whole page: " + sockets);
    assertThat((String) sockets.get(0).get("url")).contains("/eventbus/");
    assertThat(addresses(sockets.get(0))).as("the thread, the notification badge and the unread badge share it")
        .contains("thread." + threadId, "member." + jonas, "group." + groupId);
  }

  @Test
  @DisplayName("a group page (refreshing thread list, badges) opens one socket too")
  void groupPage() throws Exception {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Dr Jonas Becker", Chromium.signIn(d, app.url("/"), "Dr Jonas Becker"));
    long groupId = TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'reimbursement'");
    long jonas = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-jonas'");
    d.get(app.url("/groups/reimbursement"));
    assertFalse(d.findElements(By.cssSelector("[data-live-refresh]")).isEmpty(), "the page has a refreshing region");

    List<Map<String, Object>> sockets = settled(d, List.of("group." + groupId, "member." + jonas));
    assertEquals(1, sockets.size(), "one connection for the whole page: " + sockets);
    assertThat(addresses(sockets.get(0))).contains("group." + groupId, "member." + jonas);
  }
}
