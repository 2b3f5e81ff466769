package dev.mqttspring;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

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
	void userApiDoesNotDependOnInternals() {
		noClasses().that()
			.resideInAnyPackage("dev.mqttspring.core", "dev.mqttspring.annotation", "dev.mqttspring.support",
					"dev.mqttspring.event", "dev.mqttspring.listener", "dev.mqttspring.config")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("..internal..")
			.because("internals may change in any release; the API applications use must not expose them")
			.check(classes);
	}

	@Test
	void everyPackageIsNullMarked() {
		Set<String> packages = new TreeSet<>();
		classes.forEach((javaClass) -> packages.add(javaClass.getPackageName()));
		assertThat(packages).isNotEmpty().allSatisfy((name) -> {
			ClassLoader classLoader = ArchitectureTests.class.getClassLoader();
			assertThat(ClassUtils.isPresent(name + ".package-info", classLoader)).as("%s has a package-info.java", name)
				.isTrue();
			assertThat(ClassUtils.forName(name + ".package-info", classLoader).isAnnotationPresent(NullMarked.class))
				.as("package-info.java of %s has @NullMarked", name)
				.isTrue();
		});
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.mqttspring.(*)..").should().beFreeOfCycles().check(classes);
	}

}
