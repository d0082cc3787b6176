package eu.mhealthhub.agora.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eu.mhealthhub.agora.DomainException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The subscription levels a form may choose. */
class SubscriptionLevelTest {

  @Test
  @DisplayName("a form chooses watching, normal or muted by value; no choice is normal")
  void fromForm() {
    assertEquals(SubscriptionLevel.WATCHING, SubscriptionLevel.fromForm("watching"));
    assertEquals(SubscriptionLevel.NORMAL, SubscriptionLevel.fromForm("normal"));
    assertEquals(SubscriptionLevel.MUTED, SubscriptionLevel.fromForm("muted"));
    assertEquals(SubscriptionLevel.NORMAL, SubscriptionLevel.fromForm(null));
    assertEquals("muted", SubscriptionLevel.MUTED.toString(), "templates compare the value");
  }

  @Test
  @DisplayName("any other level is a bad request")
  void refusesOthers() {
    for (String bad : new String[] {"", "WATCHING", "loud", "muted "}) {
      DomainException e = assertThrows(DomainException.class, () -> SubscriptionLevel.fromForm(bad), bad);
      assertEquals(DomainException.Kind.BAD_REQUEST, e.kind());
    }
  }
}
