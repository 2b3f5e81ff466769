package dev.mqttspring;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.util.ClassUtils;

import dev.mqttspring.core.MqttPublishObserver;
import dev.mqttspring.observation.MqttListenerObserver;
import dev.mqttspring.observation.ObservationMqttPublishObserver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layering rules: the client libraries (Eclipse Paho, HiveMQ) and Spring Integration stay behind
 * the connection seam, no public signature of the user API exposes them, Micrometer Observation
 * stays optional, and packages do not form cycles.
 */
class ArchitectureTests {

	/**
	 * The packages applications use: everything but the backends ({@code client}, {@code paho},
	 * {@code hivemq}), the Spring Integration bridge and internals.
	 */
	private static final String[] USER_API = { "dev.mqttspring.core..", "dev.mqttspring.annotation..",
			"dev.mqttspring.support..", "dev.mqttspring.event..", "dev.mqttspring.listener..",
			"dev.mqttspring.config..", "dev.mqttspring.observation..", "dev.mqttspring.actuate..",
			"dev.mqttspring.health..", "dev.mqttspring.metrics..", "dev.mqttspring.autoconfigure..",
			"dev.mqttspring.testcontainers..", "dev.mqttspring.docker.." };

	private static final String[] CLIENT_LIBRARIES = { "com.hivemq..", "org.eclipse.paho..",
			"org.springframework.integration.." };

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
			.resideInAnyPackage(USER_API)
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

	@Test
	void userApiSignaturesExposeNoClientLibraryType() {
		publicSignaturesExposeNoClientLibraryType(USER_API).check(classes);
	}

	@Test
	void signatureRuleReportsEveryClientLibraryTypeInAPublicSignature() {
		JavaClasses fixtures = new ClassFileImporter().importClasses(ExposesClientLibraryTypes.class,
				HidesClientLibraryTypes.class, ExtendsClientLibraryType.class);
		EvaluationResult result = publicSignaturesExposeNoClientLibraryType("dev.mqttspring").evaluate(fixtures);
		assertThat(result.getFailureReport().getDetails()).hasSize(7)
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.qos")
				.contains("com.hivemq.client.mqtt.datatypes.MqttQos"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.<init>")
				.contains("org.eclipse.paho.mqttv5.common.MqttMessage"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.producer()")
				.contains("org.springframework.integration.core.MessageProducer"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.accept(")
				.contains("com.hivemq.client.mqtt.datatypes.MqttTopic"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.connect()")
				.contains("org.eclipse.paho.mqttv5.common.MqttException"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExposesClientLibraryTypes.supplier()")
				.contains("com.hivemq.client.mqtt.datatypes.MqttTopicFilter"))
			.anySatisfy((detail) -> assertThat(detail).contains("ExtendsClientLibraryType")
				.contains("org.springframework.integration.core.MessageSource"))
			.noneSatisfy((detail) -> assertThat(detail).contains("HidesClientLibraryTypes"));
		// The HiveMQ backend's public customizer hands out HiveMQ's client builder on purpose.
		assertThat(publicSignaturesExposeNoClientLibraryType("dev.mqttspring.hivemq..").evaluate(classes).hasViolation())
			.isTrue();
	}

	@Test
	void micrometerObservationStaysOptional() {
		micrometerObservationOnlyInObservationAndAutoConfiguration().check(classes);
	}

	@Test
	void observationRuleReportsUseOfAMicrometerBackedObservationType() {
		JavaClasses fixtures = new ClassFileImporter().importClasses(UsesObservationInternals.class,
				UsesObserverInterfaces.class, ObservationMqttPublishObserver.class,
				MqttListenerObserver.class);
		EvaluationResult result = micrometerObservationOnlyInObservationAndAutoConfiguration().evaluate(fixtures);
		assertThat(result.getFailureReport().getDetails()).isNotEmpty()
			.allSatisfy((detail) -> assertThat(detail).contains("UsesObservationInternals"))
			.anySatisfy((detail) -> assertThat(detail).contains("io.micrometer.observation.ObservationRegistry"))
			.anySatisfy((detail) -> assertThat(detail).contains("ObservationMqttPublishObserver"));
	}

	@Test
	void internalTypesArePublicOnlyWhenUsedOutsideTheirPackage() {
		publicInternalTypesAreUsedOutsideTheirPackage().check(classes);
	}

	@Test
	void internalTypeRuleReportsAPublicTypeOnlyItsPackageUses() {
		JavaClasses fixtures = new ClassFileImporter().importPackages("dev.mqttspring.architecture");
		EvaluationResult result = publicInternalTypesAreUsedOutsideTheirPackage().evaluate(fixtures);
		assertThat(result.getFailureReport().getDetails()).singleElement()
			.satisfies((detail) -> assertThat(detail).contains("NeedlesslyPublic"));
	}

	/**
	 * Public and protected members, supertypes and type parameters of the public classes in
	 * the given packages must not name a client-library type, not even as a generic type
	 * argument: applications see only the starter's own types and Spring's.
	 */
	private static ArchRule publicSignaturesExposeNoClientLibraryType(String... packages) {
		DescribedPredicate<JavaClass> clientLibraryType = JavaClass.Predicates.resideInAnyPackage(CLIENT_LIBRARIES);
		ArchCondition<JavaClass> exposeNoClientLibraryType = new ArchCondition<>(
				"expose no type of " + String.join(", ", CLIENT_LIBRARIES) + " in a public or protected signature") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				Optional<JavaType> superclass = javaClass.getSuperclass();
				superclass.ifPresent((type) -> report(javaClass, javaClass.getName() + " extends", type, events));
				javaClass.getInterfaces()
					.forEach((type) -> report(javaClass, javaClass.getName() + " implements", type, events));
				javaClass.getTypeParameters()
					.forEach((type) -> report(javaClass, javaClass.getName() + " type parameter", type, events));
				for (JavaField field : javaClass.getFields()) {
					if (isVisible(field)) {
						report(javaClass, field.getFullName() + " field type", field.getType(), events);
					}
				}
				for (JavaCodeUnit codeUnit : javaClass.getCodeUnits()) {
					if (!isVisible(codeUnit)) {
						continue;
					}
					report(javaClass, codeUnit.getFullName() + " return type", codeUnit.getReturnType(), events);
					codeUnit.getParameterTypes()
						.forEach((type) -> report(javaClass, codeUnit.getFullName() + " parameter", type, events));
					codeUnit.getTypeParameters()
						.forEach((type) -> report(javaClass, codeUnit.getFullName() + " type parameter", type, events));
					codeUnit.getExceptionTypes()
						.forEach((type) -> report(javaClass, codeUnit.getFullName() + " throws", type, events));
				}
			}

			private boolean isVisible(JavaMember member) {
				Set<JavaModifier> modifiers = member.getModifiers();
				return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
						&& !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE);
			}

			private void report(JavaClass javaClass, String where, JavaType type, ConditionEvents events) {
				type.getAllInvolvedRawTypes()
					.stream()
					.filter(clientLibraryType)
					.forEach((exposed) -> events.add(SimpleConditionEvent.violated(javaClass,
							where + " exposes " + exposed.getName() + " (in " + type.getName() + ")")));
			}

		};
		return classes().that()
			.arePublic()
			.and()
			.resideInAnyPackage(packages)
			.should(exposeNoClientLibraryType)
			.because("the client library is an implementation choice behind the MqttConnection seam "
					+ "(mqtt.client-library), and Spring Integration is optional");
	}

	/**
	 * Micrometer Observation is an optional dependency: only the observation package and
	 * auto-configuration use it, directly or through the Micrometer-backed types of
	 * {@code dev.mqttspring.observation}; the template and the containers only know the
	 * observer interfaces ({@code MqttPublishObserver}, {@code MqttListenerObserver}).
	 */
	private static ArchRule micrometerObservationOnlyInObservationAndAutoConfiguration() {
		DescribedPredicate<JavaClass> micrometerObservation = JavaClass.Predicates
			.resideInAPackage("io.micrometer.observation..");
		DescribedPredicate<JavaClass> micrometerBacked = DescribedPredicate.describe(
				"are in io.micrometer.observation or use it from dev.mqttspring.observation",
				(javaClass) -> micrometerObservation.test(javaClass)
						|| (javaClass.getPackageName().startsWith("dev.mqttspring.observation")
								&& javaClass.getDirectDependenciesFromSelf()
									.stream()
									.anyMatch((dependency) -> micrometerObservation.test(dependency.getTargetClass()))));
		return noClasses().that()
			.resideOutsideOfPackages("dev.mqttspring.observation..", "dev.mqttspring.autoconfigure..")
			.should()
			.dependOnClassesThat(micrometerBacked)
			.because("micrometer-observation is optional: MqttTemplate and the listener containers must load without it");
	}

	/**
	 * A public type in an {@code internal} package is public because another package (a
	 * backend) uses it; otherwise it should be package-private.
	 */
	private static ArchRule publicInternalTypesAreUsedOutsideTheirPackage() {
		ArchCondition<JavaClass> usedOutsideTheirPackage = new ArchCondition<>("be used outside their package") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				boolean usedOutside = javaClass.getDirectDependenciesToSelf()
					.stream()
					.anyMatch((dependency) -> !dependency.getOriginClass()
						.getPackageName()
						.equals(javaClass.getPackageName()));
				if (!usedOutside) {
					events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName()
							+ " is public but only used in " + javaClass.getPackageName() + ": make it package-private"));
				}
			}

		};
		return classes().that()
			.resideInAPackage("dev.mqttspring..internal..")
			.and()
			.arePublic()
			.and()
			.areTopLevelClasses()
			.should(usedOutsideTheirPackage)
			.because("internals may change in any release; what need not be public is not");
	}

	/**
	 * Violates the signature rule in every kind of public signature.
	 */
	public static class ExposesClientLibraryTypes {

		public com.hivemq.client.mqtt.datatypes.@org.jspecify.annotations.Nullable MqttQos qos;

		public ExposesClientLibraryTypes(org.eclipse.paho.mqttv5.common.MqttMessage message) {
		}

		public Optional<org.springframework.integration.core.MessageProducer> producer() {
			return Optional.empty();
		}

		protected void accept(List<? extends com.hivemq.client.mqtt.datatypes.MqttTopic> topics) {
		}

		public void connect() throws org.eclipse.paho.mqttv5.common.MqttException {
		}

		public <T extends Supplier<com.hivemq.client.mqtt.datatypes.MqttTopicFilter>> void supplier() {
		}

	}

	/**
	 * Uses client-library types only where applications cannot see them.
	 */
	public static class HidesClientLibraryTypes {

		private com.hivemq.client.mqtt.datatypes.@org.jspecify.annotations.Nullable MqttQos qos;

		HidesClientLibraryTypes(org.eclipse.paho.mqttv5.common.MqttMessage message) {
		}

		public String describe() {
			return String.valueOf(this.qos);
		}

		private void accept(List<com.hivemq.client.mqtt.datatypes.MqttTopic> topics) {
		}

	}

	/**
	 * Violates the signature rule with its supertype.
	 */
	public abstract static class ExtendsClientLibraryType
			implements org.springframework.integration.core.MessageSource<String> {

	}

	/**
	 * Uses Micrometer Observation directly and through a Micrometer-backed observation type.
	 */
	static class UsesObservationInternals {

		Object observer(io.micrometer.observation.ObservationRegistry registry) {
			return new ObservationMqttPublishObserver(registry, "client", null);
		}

	}

	/**
	 * Uses only the observer interfaces, as the template and the containers do.
	 */
	static class UsesObserverInterfaces {

		@Nullable MqttListenerObserver observer;

		@Nullable MqttPublishObserver publishObserver;

	}

}
