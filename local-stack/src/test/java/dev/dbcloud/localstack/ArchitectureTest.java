package dev.dbcloud.localstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The modules' boundaries, checked on the compiled classes of every module (the local stack's class path holds
 * them all): the services talk over Kafka and HTTP only, never through each other's classes, the shared modules
 * know no service, the provisioner's use cases know drivers only through their SPI, and only the gateway's web
 * adapters know its web package.
 */
class ArchitectureTest {

    /** Each service's (and the CLI's) root package. */
    private static final List<String> SERVICES = List.of("dev.dbcloud.gateway", "dev.dbcloud.provisioner",
            "dev.dbcloud.migration", "dev.dbcloud.status", "dev.dbcloud.cli");
    /** The shared modules: the contract, messaging, SQL to instance servers, service security. */
    private static final List<String> SHARED = List.of("dev.dbcloud.common", "dev.dbcloud.events",
            "dev.dbcloud.messaging", "dev.dbcloud.sql", "dev.dbcloud.security");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dbcloud");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.dbcloud.gateway", "dev.dbcloud.provisioner", "dev.dbcloud.migration",
        "dev.dbcloud.status", "dev.dbcloud.cli"})
    void aServiceDependsOnTheSharedModulesOnlyNeverOnAnotherService(String service) {
        noClasses().that().resideInAPackage(service + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others(service))
                .because("services talk over Kafka and HTTP, not through each other's classes")
                .check(classes);
    }

    @Test
    void theSharedModulesKnowNoService() {
        noClasses().that().resideInAnyPackage(SHARED.stream().map(p -> p + "..").toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage(
                        Stream.concat(SERVICES.stream(), Stream.of("dev.dbcloud.localstack")).map(p -> p + "..")
                                .toArray(String[]::new))
                .check(classes);
    }

    @Test
    void theProvisionersUseCasesReachServersThroughTheDriverSpiOnly() {
        noClasses().that().resideInAPackage("dev.dbcloud.provisioner.provisioning..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dbcloud.provisioner.local..",
                        "dev.dbcloud.provisioner.linked..")
                .because("a use case picks a driver by kind from InstanceDrivers; placement is the driver's")
                .check(classes);
    }

    @Test
    void onlyTheGatewaysWebAdaptersUseItsWebPackage() {
        noClasses().that().resideInAPackage("dev.dbcloud.gateway..").and().resideOutsideOfPackages(
                        "dev.dbcloud.gateway.web..", "dev.dbcloud.gateway..web..")
                .should().dependOnClassesThat().resideInAPackage("dev.dbcloud.gateway.web..")
                .because("use cases say why they refuse (gateway.refusals); the web adapters turn that into HTTP")
                .check(classes);
    }

    private static String[] others(String service) {
        return SERVICES.stream().filter(other -> !other.equals(service)).map(other -> other + "..")
                .toArray(String[]::new);
    }
}
