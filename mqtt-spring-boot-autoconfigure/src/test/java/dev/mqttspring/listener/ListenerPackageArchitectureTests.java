package dev.mqttspring.listener;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Layering of the listener infrastructure: annotation → config → listener, and no client
 * library types behind the connection seam.
 */
class ListenerPackageArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.mqttspring.annotation", "dev.mqttspring.config", "dev.mqttspring.listener");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.mqttspring.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void listenerDependsNeitherOnConfigNorOnAnnotation() {
		noClasses().that().resideInAPackage("dev.mqttspring.listener..").should().dependOnClassesThat()
			.resideInAnyPackage("dev.mqttspring.config..", "dev.mqttspring.annotation..").check(CLASSES);
		noClasses().that().resideInAPackage("dev.mqttspring.config..").should().dependOnClassesThat()
			.resideInAnyPackage("dev.mqttspring.annotation..").check(CLASSES);
	}

	@Test
	void noClientLibraryTypes() {
		noClasses().should().dependOnClassesThat()
			.resideInAnyPackage("org.eclipse.paho..", "org.springframework.integration..", "com.hivemq..", "dev.mqttspring.paho..")
			.check(CLASSES);
	}

}
