package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.document.ConsensusDocument;
import eu.mhealthhub.agora.group.WorkingGroup;
import java.util.List;
import java.util.Map;

/** The view records of the rounds pages, built by {@link RoundService}. */
public final class RoundPages {

  private RoundPages() {}

  /** A choice in a form: a value, its label's message key, whether it is chosen. */
  public record Choice(String value, String label, boolean checked) {}

  /** A section offered as a statement, at the document's current revision. */
  public record SectionChoice(int key, String label, String excerpt, boolean checked) {}

  /** The form of a new round. {@code refusal} is a message key the service answered with. */
  public record NewRoundPage(WorkingGroup group, ConsensusDocument document, int revision, List<SectionChoice> sections,
      RoundForm form, List<Choice> scales, List<Choice> panels, List<Choice> types, Map<String, String> problems,
      boolean hasProblems, String refusal) {

    public NewRoundPage with(RoundForm typed, Map<String, String> problems, String refusal) {
      return RoundService.newRoundPage(group, document, revision, sectionsChecked(typed), typed, problems, refusal);
    }

    private List<SectionChoice> sectionsChecked(RoundForm typed) {
      return sections.stream().map(s -> new SectionChoice(s.key(), s.label(), s.excerpt(),
          typed.sections().contains(s.key()))).toList();
    }
  }

  /** One point of the scale as a radio button. */
  public record Point(int value, String label, boolean checked, String id) {}

  /** One bar of a distribution: a point of the scale, how many chose it and their share. */
  public record Bar(int value, String label, int count, String percent) {}

  /** What a panellist of a next round sees of the statement's previous round. */
  public record Previous(int round, List<Bar> distribution, String median, Integer myRating, boolean myRecused,
      boolean reworded, String previousHtml) {}

  /** Figures of a statement shown while the round is open, where the round does not hide them. */
  public record Interim(int count, String median, List<Bar> distribution) {}

  /** A statement on the rating page, with the viewer's answer and any problem with it. */
  public record StatementItem(long id, int position, String html, Integer sectionKey, String sectionLabel,
      String sectionHeading, String sectionLink, Integer revision, List<Point> points, String reason, boolean recused,
      boolean answered, Integer rating, String problem, Previous previous, Interim interim) {}

  /** A panellist as a moderator sees them: whether and how far they have answered, never what. */
  public record Rater(String name, String handle, int answered, boolean finished) {}

  /** The round's page: the rating form for a panellist, the progress for a moderator. */
  public record RoundPage(WorkingGroup group, Round round, boolean moderator, boolean panellist,
      boolean open, boolean closed, boolean draft, boolean canRate, boolean reasonsRequired, int lowerBandTop,
      List<StatementItem> statements, boolean showRaters, List<Rater> raters, int panelSize, int finished,
      String notice, String scaleLabel) {}

  /** One row of the balance breakdown. {@code label} is a message key when {@code labelIsKey}. */
  public record BalanceRow(String label, boolean labelIsKey, int panellists, String panelShare, int responded,
      String responseShare, boolean under) {}

  /** One statement's results. */
  public record StatementResult(long id, int position, String html, Integer sectionKey, String sectionLink,
      String outcome, String outcomeKey, boolean consensus, int count, int recusals, String median, String q1,
      String q3, String iqr, int lower, String lowerShare, int middle, String middleShare, int upper,
      String upperShare, List<Bar> bars, String svg, List<String> reasons, String body, boolean reworded) {}

  /** The results of a closed round. */
  public record ResultsPage(WorkingGroup group, Round round, boolean moderator, List<StatementResult> statements,
      int panelSize, int responded, String responseRate, int recusals, List<BalanceRow> byType,
      List<BalanceRow> byCountry, boolean underRepresented, String lowerBand, String middleBand, String upperBand,
      boolean canContinue, boolean anyWithoutConsensus, Long nextRound) {}

  /** A document's rounds, as its page lists them, with each section's latest outcome. */
  public record DocumentRounds(List<RoundLink> rounds, Map<Integer, SectionOutcome> latestBySection, boolean canStart) {
    public boolean any() {
      return !rounds.isEmpty();
    }

    /** Each section's latest outcome, in section order. */
    public List<SectionOutcome> outcomes() {
      return latestBySection.values().stream().sorted(java.util.Comparator.comparingInt(SectionOutcome::sectionKey))
          .toList();
    }
  }

  /** A round as a document lists it: its results once closed, the round's own page before. */
  public record RoundLink(long id, String title, int number, String statusKey, String href) {}

  /** The latest closed round's outcome for a section. */
  public record SectionOutcome(int sectionKey, long roundId, int roundNumber, String outcome, String outcomeKey,
      String median, String upperShare, String bandShare, String band) {

    /** The message key of the mark beside the section: "Consensus in favour, round N: median m, p% in a–b". */
    public String markKey() {
      return "rounds2.mark." + outcome;
    }

    /** Whether the section reached consensus, and so is marked in the document's text. */
    public boolean consensus() {
      return !"none".equals(outcome);
    }
  }
}
