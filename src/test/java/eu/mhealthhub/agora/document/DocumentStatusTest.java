package eu.mhealthhub.agora.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The consensus workflow as {@link DocumentStatus} states it. */
class DocumentStatusTest {

  @Test
  @DisplayName("the workflow moves draft → open ⇄ consensus → adopted → archived, with a way back from open and consensus")
  void moves() {
    assertEquals(Set.of(DocumentStatus.OPEN), DocumentStatus.DRAFT.moves());
    assertEquals(Set.of(DocumentStatus.DRAFT, DocumentStatus.CONSENSUS), DocumentStatus.OPEN.moves());
    assertEquals(Set.of(DocumentStatus.OPEN, DocumentStatus.ADOPTED), DocumentStatus.CONSENSUS.moves());
    assertEquals(Set.of(DocumentStatus.ARCHIVED), DocumentStatus.ADOPTED.moves());
    assertEquals(Set.of(), DocumentStatus.ARCHIVED.moves());
    assertFalse(DocumentStatus.DRAFT.canMoveTo(DocumentStatus.ADOPTED), "no skipping the debate");
    assertFalse(DocumentStatus.ADOPTED.canMoveTo(DocumentStatus.OPEN), "an adopted text is a record");
  }

  @Test
  @DisplayName("adopted and archived are frozen; only open takes comments; endorsing runs from open to adopted")
  void rules() {
    assertEquals(List.of(DocumentStatus.ADOPTED, DocumentStatus.ARCHIVED),
        List.of(DocumentStatus.values()).stream().filter(DocumentStatus::frozen).toList());
    assertEquals(List.of(DocumentStatus.OPEN),
        List.of(DocumentStatus.values()).stream().filter(DocumentStatus::openForComment).toList());
    assertEquals(List.of(DocumentStatus.OPEN, DocumentStatus.CONSENSUS, DocumentStatus.ADOPTED),
        List.of(DocumentStatus.values()).stream().filter(DocumentStatus::endorsable).toList());
  }

  @Test
  @DisplayName("a status reads and prints as its lower-case database and form value; anything else is no status")
  void values() {
    for (DocumentStatus s : DocumentStatus.values()) {
      assertEquals(Optional.of(s), DocumentStatus.parse(s.value()));
      assertEquals(s.value(), s.toString(), "templates print the value");
      assertEquals("document.status." + s.value(), s.key());
    }
    assertEquals("consensus", DocumentStatus.CONSENSUS.value());
    assertTrue(DocumentStatus.parse("OPEN").isEmpty());
    assertTrue(DocumentStatus.parse("").isEmpty());
    assertTrue(DocumentStatus.parse(null).isEmpty());
  }
}
