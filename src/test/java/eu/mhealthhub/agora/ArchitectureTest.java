package eu.mhealthhub.agora;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md, checked on the compiled classes rather than only described.
 *
 * <p>The root package is the shared kernel every layer may use: configuration ({@code AppConfig}),
 * the member's identity ({@code Member}), domain failures. {@code app} is the composition root and
 * may use everything; {@code web} and {@code live} are libraries the features use.
 */
class ArchitectureTest {

  private static final String ROOT = "eu.mhealthhub.agora";
  /** The features: each owns its routes, service, repository and records. */
  private static final String[] FEATURES = {"..agora.group..", "..agora.thread..", "..agora.document..",
      "..agora.talk..", "..agora.member..", "..agora.auth..", "..agora.attachment..", "..agora.api..", "..agora.demo..",
      "..agora.notify..", "..agora.search..", "..agora.moderation..", "..agora.privacy..", "..agora.declaration..", "..agora.results..", "..agora.feed..",
      "..agora.network..", "..agora.rounds.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
  }

  @Test
  @DisplayName("web, live, mail, limits and ops are libraries: they depend on no feature")
  void leaves() {
    noClasses().that().resideInAnyPackage("..agora.web..", "..agora.live..", "..agora.mail..", "..agora.limits..",
            "..agora.ops..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .check(classes);
  }

  @Test
  @DisplayName("a repository is used only inside its own feature")
  void repositoriesStayHome() {
    classes().that().haveSimpleNameEndingWith("Repository")
        .should(new com.tngtech.archunit.lang.ArchCondition<com.tngtech.archunit.core.domain.JavaClass>(
            "be used only inside their own package") {
          @Override
          public void check(com.tngtech.archunit.core.domain.JavaClass repository,
              com.tngtech.archunit.lang.ConditionEvents events) {
            for (com.tngtech.archunit.core.domain.Dependency d : repository.getDirectDependenciesToSelf()) {
              if (!d.getOriginClass().getPackageName().equals(repository.getPackageName())) {
                events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(d, d.getDescription()));
              }
            }
          }
        })
        .check(classes);
  }

  @Test
  @DisplayName("features do not depend on each other in cycles, apart from route-level page composition")
  void noCycles() {
    // a page may show what another feature owns (a group page lists its threads, a thread names the
    // documents that cite it): routes compose services; services never go round in a circle
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
        .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.describe("routes",
            (com.tngtech.archunit.core.domain.JavaClass c) -> c.getSimpleName().endsWith("Routes")
                || c.getEnclosingClass().map(e -> e.getSimpleName().endsWith("Routes")).orElse(false)),
            com.tngtech.archunit.base.DescribedPredicate.alwaysTrue())
        .check(classes);
  }

  @Test
  @DisplayName("SQL runs only in repositories, the event log and the database package (and the one-off demo seed)")
  void sqlInRepositories() {
    // demo/ writes the seed content once per database, with backdated rows no service would write
    noClasses().that().haveSimpleNameNotEndingWith("Repository")
        .and().doNotHaveSimpleName("EventLog")
        .and().resideOutsideOfPackages("..agora.db..", "..agora.demo..")
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(io.vertx.sqlclient.SqlClient.class)))
            .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("query|preparedQuery"))))
        .check(classes);
  }
}
