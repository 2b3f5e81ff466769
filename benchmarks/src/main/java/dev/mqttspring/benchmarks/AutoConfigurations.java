package dev.mqttspring.benchmarks;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Both starters on the benchmark classpath bind {@code mqtt.*} properties; each Boot
 * contender excludes the other's auto-configurations.
 */
final class AutoConfigurations {

	private AutoConfigurations() {
	}

	/**
	 * Return a {@code spring.autoconfigure.exclude} property excluding every
	 * auto-configuration whose class name starts with one of the prefixes.
	 * @param prefixes the package prefixes
	 * @return the property
	 */
	static String excludeProperty(String... prefixes) {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, AutoConfigurations.class.getClassLoader())
			.getCandidates();
		String excluded = candidates.stream()
			.filter((name) -> List.of(prefixes).stream().anyMatch(name::startsWith))
			.collect(Collectors.joining(","));
		return "spring.autoconfigure.exclude=" + excluded;
	}

}
