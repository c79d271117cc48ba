package io.cxexporter;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of STYLE.md and DESIGN.md, checked on the compiled main classes: a connector
 * knows the model, config and util and nothing else of the exporter; the store never reads from a
 * connector; KPIs never depend on alerting; and no two packages depend on each other, directly or
 * round a loop. Each rule names the offending class and dependency when it fails.
 */
@AnalyzeClasses(packages = "io.cxexporter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule connectorsUseOnlyTheModelConfigAndUtil =
      noClasses()
          .that()
          .resideInAPackage("io.cxexporter.connector..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.cxexporter..")
                  .and(
                      not(
                          resideInAnyPackage(
                              "io.cxexporter.connector..",
                              "io.cxexporter.model..",
                              "io.cxexporter.config..",
                              "io.cxexporter.util.."))))
          .because("connectors are plugins: the SPI and the vendors see the model, not the app");

  @ArchTest
  static final ArchRule theStoreDoesNotUseConnectors =
      noClasses()
          .that()
          .resideInAPackage("io.cxexporter.store..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.cxexporter.connector..")
          .because("the store keeps records of the model; sync moves them from connectors");

  @ArchTest
  static final ArchRule kpisDoNotUseAlerting =
      noClasses()
          .that()
          .resideInAPackage("io.cxexporter.kpi..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.cxexporter.alerting..")
          .because("alerting reads the KPIs, never the other way round");

  /** Every package is its own slice, subpackages included (connector.http apart from connector). */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.cxexporter.(**)").should().beFreeOfCycles();
}
