package eu.mhealthhub.agora.demo;

import eu.mhealthhub.agora.document.DocumentRevision;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.member.MemberService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consensus document in each working group of the demo, written through {@link DocumentService}
 * so that sections, credits, citations, events and rules are the real ones: drafts, edits, a
 * proposal accepted and credited to its proposer, comments with every disposition and one still
 * open, a pending proposal, endorsements of the current and of an earlier revision, and the
 * workflow (one document open for comment, one at consensus, one adopted). Revision summaries and
 * comments cite posts of the demo threads, so those threads show where they are cited.
 *
 * <p>Runs after {@link DemoSeeder} (it needs its people, groups and threads) and once per database:
 * a session advisory lock serialises nodes starting together, and a row in {@code seeds} records
 * that it ran. The services commit step by step, so a start that died half way may have left a
 * document behind: a document whose client token is already taken is then left as it is rather
 * than written twice.
 */
public final class DemoDocuments {

  private static final Logger LOG = LoggerFactory.getLogger(DemoDocuments.class);
  static final String SEED_NAME = "demo-documents-v1";
  private static final long LOCK_KEY = 0x4147_4f52_4144_4f43L;

  private static final String LOCK = "SELECT pg_advisory_lock($1)";
  private static final String UNLOCK = "SELECT pg_advisory_unlock($1)";
  private static final String SEEDED = "SELECT name FROM seeds WHERE name = $1";
  private static final String RECORD = "INSERT INTO seeds (name) VALUES ($1) ON CONFLICT DO NOTHING";
  private static final String STARTED = "SELECT id FROM documents WHERE client_token = $1";
  private static final String POST = """
      SELECT p.id FROM posts p JOIN threads t ON t.id = p.thread_id JOIN working_groups g ON g.id = t.group_id
       WHERE g.slug = $1 AND t.title = $2 AND p.position = $3
       ORDER BY p.id LIMIT 1
      """;

  private final Pool pool;
  private final MemberService members;
  private final GroupService groups;
  private final DocumentService documents;

  public DemoDocuments(Pool pool, MemberService members, GroupService groups, DocumentService documents) {
    this.pool = pool;
    this.members = members;
    this.groups = groups;
    this.documents = documents;
  }

  /** Writes the demo documents unless they were written before; completes with whether it wrote. */
  public Future<Boolean> seedOnce() {
    return pool.withConnection(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY))
        .compose(v -> conn.preparedQuery(SEEDED).execute(Tuple.of(SEED_NAME)))
        .compose(seeded -> seeded.size() > 0 ? Future.succeededFuture(false)
            : write(conn).compose(v -> conn.preparedQuery(RECORD).execute(Tuple.of(SEED_NAME))).map(true))
        .eventually(() -> conn.preparedQuery(UNLOCK).execute(Tuple.of(LOCK_KEY))))
        .onSuccess(wrote -> {
          if (wrote) {
            LOG.info("demo documents seeded");
          }
        });
  }

  private Future<Void> write(SqlConnection conn) {
    Map<String, Member> people = new HashMap<>();
    Map<String, Long> posts = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (DemoContent.Person p : DemoContent.PEOPLE) {
      chain = chain.compose(v -> members.findByHandle(p.handle()).map(m -> {
        people.put(p.handle(), m);
        return null;
      }));
    }
    for (Cited c : CITED) {
      chain = chain.compose(v -> conn.preparedQuery(POST).execute(Tuple.of(c.slug(), c.thread(), c.position()))
          .map(rows -> {
            if (rows.size() == 0) {
              throw new IllegalStateException("demo post missing: " + c);
            }
            posts.put(c.name(), rows.iterator().next().getLong(0));
            return null;
          }));
    }
    Function<String, String> post = name -> "/posts/" + posts.get(name);
    for (Function<Story, Story> script : List.<Function<Story, Story>>of(
        s -> reimbursement(s, post), s -> assessment(s, post), s -> integration(s, post))) {
      chain = chain.compose(v -> {
        Story story = script.apply(new Story(conn, people));
        return story.run();
      });
    }
    return chain;
  }

  /** A demo post that documents cite, by group, thread title and position in the thread. */
  private record Cited(String name, String slug, String thread, int position) {}

  private static final List<Cited> CITED = List.of(
      new Cited("routes", "reimbursement", "Which reimbursement routes exist for mHealth apps in your country?", 1),
      new Cited("evidence-template", "reimbursement", "Which reimbursement routes exist for mHealth apps in your country?", 2),
      new Cited("billing-code", "reimbursement", "Which reimbursement routes exist for mHealth apps in your country?", 3),
      new Cited("nice-tiers", "assessment", "Is a randomised trial always needed for a low-risk app?", 1),
      new Cited("trial-for-decisions", "assessment", "Is a randomised trial always needed for a low-risk app?", 2),
      new Cited("core-outcomes", "assessment", "Patient-reported outcomes worth measuring", 1),
      new Cited("fhir-profiles", "integration", "FHIR profiles for app-generated observations", 1),
      new Cited("observation-subsets", "integration", "FHIR profiles for app-generated observations", 2));

  // ---- the three documents

  private static Story reimbursement(Story s, Function<String, String> post) {
    return s.create("reimbursement", "amelie", "Reimbursement routes for mHealth apps in Europe", """
        # Purpose

        This paper sets out how national payers in Europe can reimburse mHealth apps that bring a demonstrated benefit to patients or to the health system, and what manufacturers, clinicians and patients can expect from each route.

        # Routes that exist today

        - **Fast-track listing** of digital therapeutics with provisional reimbursement while evidence is gathered, as in Germany’s DiGA directory and France’s PECAN scheme.
        - **Validation frameworks** that grade apps and open reimbursement at their top level, as in Belgium’s mHealthBelgium pyramid.
        - **Procurement and regional contracts**, where a hospital or a region buys a solution for its patients.
        - **Existing tariffs**, where the app is part of a remote-monitoring or follow-up fee paid to the care team.

        # Evidence levels

        Provisional listing requires proof of safety, data protection, interoperability and usability, and a plausible benefit supported by a pilot study.

        Permanent listing requires a comparative study showing a positive care effect: a medical benefit, or a structural and procedural improvement in care such as better adherence or fewer visits.

        # Pricing

        During the provisional year the manufacturer sets the price. After it, payer and manufacturer negotiate a price that reflects the demonstrated effect, with thresholds for apps used by many patients.

        # Clinicians and prescription

        Apps are used only when clinicians can prescribe them and are paid for the follow-up they require.

        # Open questions

        How to design outcome-based payment without leading vendors to select the patients most likely to do well.
        """, "First draft from [the debate on national routes](" + post.apply("routes") + ")")
        .edit("amelie", "Real-world data after listing, with the shared template asked for in [the routes thread](" + post.apply("evidence-template") + ")",
            "such as better adherence or fewer visits.",
            "such as better adherence or fewer visits.\n\nAfter permanent listing, manufacturers report real-world "
                + "data on use and outcomes every year, using a shared template so that payers can compare apps.")
        .move("amelie", "open", "Open for comment until the autumn plenary.")
        .comment("provisional-year", "sofia", "a plausible benefit supported by a pilot study",
            "A provisional year is too short to recruit, follow up and publish a comparative study. Twenty-four "
                + "months would match what start-ups can actually deliver.")
        .comment("billing", "jonas", "Apps are used only when clinicians can prescribe them",
            "Please name the billing codes explicitly: without a fee for the initial set-up and for the monthly "
                + "review, cardiologists will not prescribe, as I wrote in [the routes thread](" + post.apply("billing-code") + ").")
        .comment("price-cap", "elena", "During the provisional year the manufacturer sets the price.",
            "Free pricing in the first year lets prices anchor high. Patients’ organisations would prefer a cap "
                + "from day one.")
        .comment("patients-say", "elena", "How to design outcome-based payment",
            "Patients should have a say in which outcomes count for outcome-based payment. Could the paper "
                + "recommend patient representatives in the negotiation?")
        .propose("protocol", "sofia", "Asking for the protocol at listing time means the comparative study can "
                + "start on day one, which is what the DiGA practice has taught us.",
            "and a plausible benefit supported by a pilot study.",
            "and a plausible benefit supported by a pilot study and a registered protocol for the comparative study.")
        .accept("amelie", "protocol")
        .endorse("jonas")
        .resolve("amelie", "billing", "accepted", "Added in revision 4.")
        .resolve("amelie", "provisional-year", "partial",
            "We keep twelve months but allow one extension of twelve months while a registered study is recruiting.")
        .resolve("amelie", "price-cap", "declined",
            "The paper describes the schemes as they work today; price caps are a question for the negotiation "
                + "phase, not for the provisional year.")
        .edit("amelie", "Billing codes for set-up and monthly review; one extension of the provisional year",
            "paid for the follow-up they require.",
            "paid for the follow-up they require. Each route should come with billing codes for the initial "
                + "set-up and for the periodic review of the app’s data.",
            "a registered protocol for the comparative study.",
            "a registered protocol for the comparative study. The provisional period lasts twelve months and "
                + "can be extended once by twelve months while the registered study is recruiting.")
        .endorse("sofia")
        .propose(null, "elena", "Patients carry the consequences of outcome criteria; they should help set them.",
            "select the patients most likely to do well.",
            "select the patients most likely to do well.\n\nPatient representatives should take part in "
                + "choosing the outcomes that outcome-based contracts measure.");
  }

  private static Story assessment(Story s, Function<String, String> post) {
    return s.create("assessment", "pieter", "Clinical and socio-economic assessment checklist for mHealth apps", """
        # Scope

        This checklist helps assessors and payers judge an mHealth app’s clinical value and socio-economic impact. It applies to apps that inform, monitor, support a clinical decision or deliver a treatment.

        # Classify the app by function

        Classify each app by what it does before asking for evidence: apps that inform or help communicate (tier A), apps that monitor or support self-management (tier B), and apps that support a diagnosis or deliver a treatment (tier C). The tiers follow the evidence standards framework of NICE.

        # Clinical evidence

        Tier A apps show that their content is accurate, up to date and acceptable to its users.

        Tier B apps show a benefit in an observational study or a pragmatic trial in the intended population.

        Tier C apps show a benefit over standard care in a randomised controlled trial.

        # Patient-reported outcomes

        Every study reports health-related quality of life with a validated instrument such as EQ-5D-5L.

        # Socio-economic impact

        The manufacturer presents a budget impact analysis over three years and, for tier C, a cost-effectiveness analysis against standard care.

        # Data protection and security

        The app complies with the GDPR, documents its data flows and passes an independent security assessment.
        """, "First draft after [the debate on trials for low-risk apps](" + post.apply("nice-tiers") + ")")
        .move("pieter", "open", "Comments welcome until the end of the month.")
        .comment("observational", "jonas", "Tier C apps show a benefit",
            "For apps that change treatment decisions a randomised trial is right; for apps that deliver a treatment "
                + "with an established mechanism, a well-designed comparative observational study can be enough, "
                + "as argued in [the thread on trials](" + post.apply("trial-for-decisions") + ").")
        .comment("time-saved", "elena", "health-related quality of life",
            "Please add time saved for patients and carers: it matters as much as quality of life to the people we "
                + "represent.")
        .comment("reference-model", "sofia", "budget impact analysis over three years",
            "A three-year budget impact analysis is hard for a start-up. Could payers provide a reference model "
                + "that manufacturers fill in?")
        .resolve("pieter", "observational", "partial",
            "Comparative observational studies are accepted for treatments with an established mechanism; the "
                + "randomised trial stays the default for diagnostic support.")
        .propose("tier-c", "jonas", "Puts the partial acceptance of my comment into the text.",
            "Tier C apps show a benefit over standard care in a randomised controlled trial.",
            "Tier C apps show a benefit over standard care in a randomised controlled trial. Apps that deliver a "
                + "treatment with an established mechanism may instead show it in a well-designed comparative "
                + "observational study.")
        .accept("pieter", "tier-c")
        .edit("pieter", "Time saved for patients and carers as a second core outcome, as asked in [the thread on outcomes](" + post.apply("core-outcomes") + ")",
            "with a validated instrument such as EQ-5D-5L.",
            "with a validated instrument such as EQ-5D-5L, and the time saved for patients and carers.")
        .resolve("pieter", "time-saved", "accepted", "Added in revision 3 as a second core outcome.")
        .resolve("pieter", "reference-model", "declined",
            "Reference models differ too much between countries for one checklist; national HTA bodies publish "
                + "their own templates.")
        .endorse("jonas")
        .endorse("elena")
        .endorse("sofia")
        .move("pieter", "consensus", "All comments resolved; no objection at the June meeting.")
        .move("pieter", "adopted", "Adopted by the working group at the June plenary.");
  }

  private static Story integration(Story s, Function<String, String> post) {
    return s.create("integration", "tomasz", "Integrating apps into clinical pathways and EHRs", """
        # Purpose

        This guide describes how hospitals and primary care can bring data from mHealth apps into clinical pathways and electronic health records (EHRs) without adding work for clinicians.

        # Start from the pathway

        Integrate an app where a pathway already expects the information it produces, for example home blood pressure readings before a hypertension review. Agree with the care team who looks at the data, when, and what they do with it.

        # Exchange data with HL7 FHIR

        Apps exchange data through HL7 FHIR R4 APIs. Measurements are sent as Observation resources coded with LOINC, with units in UCUM.

        # Consent and data protection

        The patient consents to the transfer of their data into the record, can see what was sent and can withdraw consent at any time; the app keeps only the data it needs.

        # Data flows

        Data flow from the app to the EHR through the hospital’s integration engine, never directly into clinical tables. The record shows the source of each measurement.

        # Alerts and responsibility

        Threshold alerts go to a named care team; outside working hours the app tells the patient whom to call.
        """, "First draft from [the thread on FHIR profiles](" + post.apply("fhir-profiles") + ")")
        .edit("tomasz", "SMART on FHIR for authorisation",
            "with units in UCUM.",
            "with units in UCUM. Apps authorise with SMART on FHIR (OAuth 2.0), so the patient and the care team "
                + "see which app reads or writes what.")
        .move("tomasz", "open", "Open for comment before the integration meeting.")
        .comment("profiles", "sofia", "Apps exchange data through HL7 FHIR R4 APIs.",
            "Every hospital asks for a different subset of Observation, as [we found](" + post.apply("observation-subsets")
                + "). Could the guide name one set of profiles, for instance the HL7 Europe ones?")
        .comment("alerts", "jonas", "Threshold alerts go to a named care team",
            "Cardiology teams cannot watch alerts in real time. Please state that apps are not an emergency "
                + "service and that alerts are reviewed within one working day.")
        .comment("portal", "sofia", "The patient consents to the transfer",
            "Consent could be managed dynamically through the national patient portal instead of in each app.")
        .comment("duplicates", "jonas", "Data flow from the app to the EHR",
            "Who validates measurements before they are stored? Patients sometimes enter the same reading twice.")
        .resolve("tomasz", "alerts", "accepted", "")
        .propose("alerts-text", "jonas", "Puts my accepted comment into the text; it is what our cardiology "
                + "service can promise.",
            "Threshold alerts go to a named care team; outside working hours the app tells the patient whom to call.",
            "Threshold alerts go to a named care team and are reviewed within one working day. The app states that "
                + "it is not an emergency service and tells the patient whom to call.")
        .accept("tomasz", "alerts-text")
        .endorse("sofia")
        .resolve("tomasz", "profiles", "partial",
            "The guide now recommends the International Patient Summary and the HL7 Europe profiles where they "
                + "exist, but cannot fix one set for every country yet.")
        .resolve("tomasz", "portal", "declined",
            "Few countries have a portal that supports it today; we will revisit it with the European Health Data "
                + "Space.")
        .edit("tomasz", "International Patient Summary and HL7 Europe profiles (comment of Sofia Marques, accepted in part)",
            "with units in UCUM.",
            "with units in UCUM, following the HL7 Europe profiles where they exist; summaries for other care "
                + "settings follow the International Patient Summary.")
        .endorse("jonas")
        .endorse("tomasz")
        .move("tomasz", "consensus", "Consensus at the integration meeting; to be adopted at the plenary.");
  }

  // ---- one document's story, step by step through the service

  /** Replaces each {@code old, new} pair once; a demo text that no longer matches is a bug. */
  static String change(String body, String... pairs) {
    String out = body;
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (!out.contains(pairs[i])) {
        throw new IllegalStateException("demo document text not found: " + pairs[i]);
      }
      out = out.replace(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private final class Story {
    private final SqlConnection conn;
    private final Map<String, Member> people;
    private final Map<String, Long> comments = new HashMap<>();
    private final Map<String, Long> proposals = new HashMap<>();
    private Future<Void> chain = Future.succeededFuture();
    private long documentId;
    private boolean skip;

    Story(SqlConnection conn, Map<String, Member> people) {
      this.conn = conn;
      this.people = people;
    }

    Future<Void> run() {
      return chain;
    }

    private Story then(Supplier<Future<?>> step) {
      chain = chain.compose(v -> skip ? Future.succeededFuture() : step.get().mapEmpty());
      return this;
    }

    private Member who(String handle) {
      return people.get(handle);
    }

    private Future<DocumentService.Located> as(String handle) {
      return documents.locate(documentId, Optional.of(who(handle)));
    }

    private Future<DocumentRevision> current(DocumentService.Located at) {
      return documents.revision(at, at.document().currentRevision());
    }

    Story create(String slug, String moderator, String title, String body, String summary) {
      String token = "demo-document-" + slug;
      chain = chain.compose(v -> conn.preparedQuery(STARTED).execute(Tuple.of(token)).compose(rows -> {
        if (rows.size() > 0) {
          skip = true;
          return Future.succeededFuture();
        }
        return groups.find(slug, Optional.of(who(moderator)))
            .compose(group -> documents.create(group, who(moderator), title, body.strip(), summary, token))
            .map(id -> {
              documentId = id;
              return null;
            });
      }));
      return this;
    }

    Story edit(String moderator, String summary, String... pairs) {
      return then(() -> as(moderator).compose(at -> current(at).compose(r ->
          documents.edit(at, who(moderator), r.number(), change(r.body(), pairs), summary))));
    }

    Story move(String moderator, String to, String note) {
      return then(() -> as(moderator).compose(at -> documents.move(at, who(moderator), at.document().status().value(), to, note)));
    }

    /** A comment on the section of the current revision whose text holds {@code inSection}. */
    Story comment(String name, String author, String inSection, String body) {
      return then(() -> as(author).compose(at -> current(at).compose(r -> {
        int key = r.sections().stream().filter(sec -> sec.source().contains(inSection)).findFirst()
            .orElseThrow(() -> new IllegalStateException("demo section not found: " + inSection)).key();
        return documents.comment(at, who(author), key, body, "demo-comment-" + documentId + "-" + name);
      })).map(id -> comments.put(name, id)));
    }

    Story resolve(String moderator, String comment, String disposition, String reason) {
      return then(() -> as(moderator).compose(at ->
          documents.resolve(at, who(moderator), comments.get(comment), disposition, reason)));
    }

    /** A proposal from the current revision; {@code name} null for one left pending. */
    Story propose(String name, String author, String rationale, String... pairs) {
      return then(() -> as(author).compose(at -> current(at).compose(r -> documents.propose(at, who(author),
          r.number(), change(r.body(), pairs), rationale, "demo-proposal-" + documentId + "-" + author + "-" + r.number()))
          .map(id -> name == null ? null : proposals.put(name, id))));
    }

    Story accept(String moderator, String proposal) {
      return then(() -> as(moderator).compose(at -> documents.acceptProposal(at, who(moderator), proposals.get(proposal))));
    }

    /** Endorses the revision current at this point of the story. */
    Story endorse(String member) {
      return then(() -> as(member).compose(at -> documents.endorse(at, who(member), at.document().currentRevision())));
    }
  }
}
