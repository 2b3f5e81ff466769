package dev.mqttspring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

/**
 * The failure analysis Spring Boot prints for a context that failed to start, from the
 * analyzers registered on the class path (as {@code SpringApplication} does, without the
 * environment of the failed context, so without the origins of values).
 */
final class StartupFailureAnalysis {

	private StartupFailureAnalysis() {
	}

	static @Nullable FailureAnalysis of(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, new StandardEnvironment())
				.and(BeanFactory.class, new DefaultListableBeanFactory()));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
	}

}
