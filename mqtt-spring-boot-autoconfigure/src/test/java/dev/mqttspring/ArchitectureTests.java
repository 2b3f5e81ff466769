package dev.mqttspring;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Layering rules: the client libraries (Eclipse Paho, HiveMQ) and Spring Integration stay behind
 * the connection seam, and packages do not form cycles.
 */
class ArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.mqttspring");
	}

	@Test
	void onlyThePahoPackageUsesPaho() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("dev.mqttspring.paho..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.eclipse.paho..")
			.because("Paho is no longer maintained: it stays behind the MqttConnection seam so another client can replace it");
		rule.check(classes);
	}

	@Test
	void onlyTheHiveMqPackageUsesTheHiveMqClient() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("dev.mqttspring.hivemq..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("com.hivemq.client..")
			.because("the HiveMQ MQTT client is an optional backend behind the MqttConnection seam, like Paho");
		rule.check(classes);
	}

	@Test
	void springIntegrationTypesStayInTheBridge() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("dev.mqttspring.integration..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.integration..")
			.because("Spring Integration is optional: only the bridge in dev.mqttspring.integration uses it, and no core signature exposes it");
		rule.check(classes);
	}

	@Test
	void coreDoesNotDependOnAutoConfigurationOrBackends() {
		noClasses().that()
			.resideInAnyPackage("dev.mqttspring.core..", "dev.mqttspring.support..", "dev.mqttspring.event..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.mqttspring.autoconfigure..", "dev.mqttspring.paho..", "dev.mqttspring.hivemq..",
					"dev.mqttspring.listener..",
					"dev.mqttspring.config..", "dev.mqttspring.health..", "dev.mqttspring.metrics..")
			.check(classes);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.mqttspring.(*)..").should().beFreeOfCycles().check(classes);
	}

}
