package eu.mhealthhub.agora.demo;

import eu.mhealthhub.agora.auth.DevSignIn;
import eu.mhealthhub.agora.auth.dev.DevIdentity;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The Hub's demo data: people, working groups, threads and Talks. Pure data; {@link DemoSeeder}
 * writes it once. The people double as the development provider's sign-in choices, so signing in
 * as one of them lands on an account that already belongs to groups.
 */
public final class DemoContent {

  public static final String ADMIN_EMAIL = "maria.hoffmann@agora.example";
  static final ZoneId HUB_ZONE = ZoneId.of("Europe/Brussels");

  record Person(String subject, String name, String email, String note) {
    String handle() {
      return subject.substring("demo-".length());
    }
  }

  record Group(String slug, String name, String purpose, boolean closed, boolean openJoin,
      List<String> moderators, List<String> members, List<DemoThread> threads) {}

  record DemoThread(String title, List<DemoPost> posts) {}

  record DemoPost(String author, String body) {}

  record Speaker(String name, String affiliation) {}

  record DemoTalk(String slug, String title, String description, ZonedDateTime start, int minutes,
      List<Speaker> speakers, List<String> groups, String slidesUrl, String recordingUrl) {}

  static final List<Person> PEOPLE = List.of(
      new Person("demo-maria", "Maria Hoffmann", ADMIN_EMAIL, "Hub administrator (site admin)"),
      new Person("demo-amelie", "Amélie Laurent", "amelie.laurent@agora.example",
          "payer and HTA adviser, convenor of the reimbursement group"),
      new Person("demo-pieter", "Pieter de Vries", "pieter.devries@agora.example",
          "health economist, convenor of the assessment group"),
      new Person("demo-tomasz", "Tomasz Nowak", "tomasz.nowak@agora.example",
          "EHR integration architect, convenor of the integration group"),
      new Person("demo-jonas", "Dr Jonas Becker", "jonas.becker@agora.example", "cardiologist, member of two groups"),
      new Person("demo-sofia", "Sofia Marques", "sofia.marques@agora.example", "founder of an mHealth start-up"),
      new Person("demo-elena", "Elena Rossi", "elena.rossi@agora.example", "patient organisation representative"),
      new Person("demo-lukas", "Lukas Weber", "lukas.weber@agora.example", "new here, member of no group"));

  /** The people as the development provider offers them. */
  public static List<DevIdentity> devIdentities() {
    return PEOPLE.stream().map(p -> new DevIdentity(p.subject(), p.name(), p.email(), p.note())).toList();
  }

  static String issuer() {
    return DevSignIn.IDENTITY_ISSUER;
  }

  static final List<Group> GROUPS = List.of(
      new Group("reimbursement", "Reimbursement and incentivisation schemes",
          "How payers, health insurers and national schemes can reimburse mHealth solutions and reward "
              + "their adoption: fast-track listings such as Germany's DiGA, outcome-based payment, "
              + "procurement and incentives for clinicians.",
          false, true, List.of("demo-amelie"), List.of("demo-jonas", "demo-sofia", "demo-elena"),
          List.of(
              new DemoThread("Which reimbursement routes exist for mHealth apps in your country?", List.of(
                  new DemoPost("demo-amelie", "Let us map the routes that exist today. In France, PECAN gives "
                      + "early, temporary coverage for digital therapeutics; Germany has the DiGA directory; "
                      + "Belgium has the mHealthBelgium validation pyramid.\n\nWhat is missing from this list?"),
                  new DemoPost("demo-sofia", "From a start-up view, the hardest part is not the listing but "
                      + "the evidence requested within the provisional year. A shared template would help."),
                  new DemoPost("demo-jonas", "Clinicians also need a billing code to prescribe and follow up. "
                      + "Without it, even a listed app is rarely used in cardiology."))),
              new DemoThread("Outcome-based payment: who carries the risk?", List.of(
                  new DemoPost("demo-elena", "Patients worry that outcome-based contracts push vendors to "
                      + "select easy patients. How do we prevent that?"),
                  new DemoPost("demo-amelie", "A fair question. Risk adjustment and registries are the usual "
                      + "answers; I will draft a short note for the next meeting."))))),
      new Group("assessment", "Clinical value and socio-economic assessment methods",
          "Methods and evidence standards for assessing the clinical benefit, safety and socio-economic "
              + "impact of mHealth: HTA frameworks, real-world evidence, cost-effectiveness and "
              + "patient-reported outcomes.",
          false, true, List.of("demo-pieter"), List.of("demo-jonas", "demo-elena", "demo-sofia"),
          List.of(
              new DemoThread("Is a randomised trial always needed for a low-risk app?", List.of(
                  new DemoPost("demo-pieter", "NICE's evidence standards framework tiers the evidence by "
                      + "function. Should our checklist follow the same tiers?"),
                  new DemoPost("demo-jonas", "For apps that change treatment decisions, yes. For "
                      + "information apps, observational data should be enough."))),
              new DemoThread("Patient-reported outcomes worth measuring", List.of(
                  new DemoPost("demo-elena", "Quality of life and time saved matter most to the patients "
                      + "we represent. Can we agree on a short core set?"))))),
      new Group("integration", "Integration into health systems, clinical pathways and EHRs",
          "Bringing mHealth into routine care: clinical pathways, interoperability with HL7 FHIR, "
              + "integration with electronic health records, and data governance.",
          false, false, List.of("demo-tomasz"), List.of("demo-jonas", "demo-sofia"),
          List.of(
              new DemoThread("FHIR profiles for app-generated observations", List.of(
                  new DemoPost("demo-tomasz", "Which FHIR profiles do your EHR vendors accept for "
                      + "home measurements? We see the International Patient Summary used more and more."),
                  new DemoPost("demo-sofia", "We export Observation resources with LOINC codes, but every "
                      + "hospital asks for a different subset."))))),
      new Group("convenors", "Convenors' room",
          "A closed room where the convenors of the working groups prepare meetings and agree on "
              + "consensus drafts before they open for comment.",
          true, false, List.of("demo-amelie", "demo-pieter", "demo-tomasz"), List.of("demo-maria"),
          List.of(
              new DemoThread("Agenda for the spring plenary", List.of(
                  new DemoPost("demo-pieter", "Draft agenda: one hour per working group, then the "
                      + "consensus papers. Objections before Friday, please."))))));

  static List<DemoTalk> talks(ZonedDateTime now) {
    ZonedDateTime upcoming = now.withZoneSameInstant(HUB_ZONE).toLocalDate().plusWeeks(3)
        .atTime(LocalTime.of(14, 0)).atZone(HUB_ZONE);
    return List.of(
        new DemoTalk("mhealth-solution-success", "You have an mHealth solution, how did you succeed?",
            "Founders and adopters tell how their mHealth solutions reached patients: certification, "
                + "evidence, reimbursement and the partnerships that made the difference.",
            LocalDate.of(2023, 4, 12).atTime(14, 0).atZone(HUB_ZONE), 90,
            List.of(new Speaker("Sofia Marques", "founder of an mHealth start-up"),
                new Speaker("Amélie Laurent", "payer and HTA adviser")),
            List.of("reimbursement", "assessment"), null, null),
        new DemoTalk("secondary-use-health-app-data", "Who needs secondary use of health app data?",
            "Researchers, regulators and patients on reusing data collected by health apps, in the "
                + "light of the European Health Data Space.",
            LocalDate.of(2023, 5, 24).atTime(14, 0).atZone(HUB_ZONE), 90,
            List.of(new Speaker("Tomasz Nowak", "EHR integration architect"),
                new Speaker("Elena Rossi", "patient organisation representative")),
            List.of("integration", "assessment"), null, null),
        new DemoTalk("mhealth-in-clinical-pathways", "Putting mHealth into clinical pathways",
            "How hospitals fit apps into care pathways and electronic records without adding work "
                + "for clinicians.",
            upcoming, 60,
            List.of(new Speaker("Dr Jonas Becker", "cardiologist"), new Speaker("Tomasz Nowak", "EHR integration architect")),
            List.of("integration"), null, null));
  }

  record DemoQuestion(String author, String body, boolean anonymous, List<String> voters, String answer) {}

  /** A past Talk's room as it was closed: chat, questions (answered or not) and the follow-up thread's group. */
  record DemoRoom(String talkSlug, String moderator, String summary, List<DemoPost> messages, List<DemoQuestion> questions,
      List<String> followupGroups) {}

  /** One declared interest of a demo speaker: kind and band as in V029, start as {@code yyyy-MM-01}, still current. */
  record SpeakerInterest(String kind, String organisation, String description, String start, String band) {}

  /**
   * Declared interests of the demo speakers, shown beside them on Talk pages: kept with the Talk for
   * speakers who are not members, as the member's own declaration for those who are.
   */
  static final java.util.Map<String, SpeakerInterest> SPEAKER_INTERESTS = java.util.Map.of(
      "Sofia Marques", new SpeakerInterest("shares", "mHealth start-up (founder)",
          "Founder and shareholder of an mHealth start-up whose app is reimbursed in Germany.", "2019-01-01", null),
      "Amélie Laurent", new SpeakerInterest("payer_hta", "National payer",
          "Advises a national payer on digital health; no industry funding.", "2021-01-01", null),
      "Tomasz Nowak", new SpeakerInterest("employment", "Hospital group",
          "Employed by a hospital group; has advised an EHR vendor (paid, 2022).", "2018-01-01", null),
      "Dr Jonas Becker", new SpeakerInterest("research_funding", "Telemonitoring app manufacturer",
          "Investigator in a trial of a telemonitoring app (funded by the manufacturer).", "2023-01-01", "10k_50k"));

  static final List<DemoRoom> ROOMS = List.of(
      new DemoRoom("mhealth-solution-success", "demo-amelie",
          "Three lessons from the founders: talk to payers before the pivotal study, design the evidence for "
              + "the provisional listing, and budget for the interoperability work. The open questions on pricing "
              + "after the provisional year continue in the working group.",
          List.of(
              new DemoPost("demo-jonas", "Joining from the cardiology ward, great to see this live."),
              new DemoPost("demo-elena", "The slides mention a **patient panel**: was it paid?"),
              new DemoPost("demo-sofia", "Yes, every panel member was paid for their time.")),
          List.of(
              new DemoQuestion("demo-jonas", "How long did the provisional listing take from application to decision?",
                  false, List.of("demo-elena", "demo-pieter", "demo-tomasz"),
                  "Seven months, three of them waiting for the data-protection review."),
              new DemoQuestion("demo-elena", "How will the price be set once the provisional year ends?", false,
                  List.of("demo-jonas", "demo-pieter", "demo-tomasz", "demo-maria"), null),
              new DemoQuestion("demo-lukas", "Would the same evidence work for a payer in another country?", true,
                  List.of("demo-elena"), null)),
          List.of("reimbursement")));

  private DemoContent() {}
}
