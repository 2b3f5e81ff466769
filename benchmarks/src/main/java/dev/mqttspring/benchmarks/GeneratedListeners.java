package dev.mqttspring.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Generates, compiles (with the JDK's compiler, at run time) and loads a bean class with
 * a given number of {@code @MqttSubscribe} methods on distinct filters: a third exact
 * ({@code <root>/e/<i>}), a third with {@code +} ({@code <root>/+/<i>/p}) and a third
 * with {@code #} ({@code <root>/w/<i>/#}). Only listener 0 ({@code <root>/e/0}) matches
 * the topic {@code <root>/e/0}.
 */
final class GeneratedListeners {

	static final String PACKAGE = "dev.mqttspring.benchmarks.generated";

	private GeneratedListeners() {
	}

	static String filter(String root, int index) {
		return switch (index % 3) {
			case 0 -> root + "/e/" + index;
			case 1 -> root + "/+/" + index + "/p";
			default -> root + "/w/" + index + "/#";
		};
	}

	static String source(String className, String root, int count) {
		StringBuilder source = new StringBuilder();
		source.append("package ").append(PACKAGE).append(";\n\n");
		source.append("import dev.mqttspring.annotation.MqttSubscribe;\n");
		source.append("import dev.mqttspring.benchmarks.ScalingSink;\n\n");
		source.append("public class ").append(className).append(" {\n\n");
		source.append("\tprivate final ScalingSink sink;\n\n");
		source.append("\tpublic ").append(className).append("(ScalingSink sink) {\n\t\tthis.sink = sink;\n\t}\n\n");
		for (int i = 0; i < count; i++) {
			source.append("\t@MqttSubscribe(topics = \"").append(filter(root, i)).append("\", id = \"").append(root)
				.append("-").append(i).append("\")\n");
			source.append("\tpublic void listener").append(i).append("(byte[] payload) {\n");
			source.append("\t\tthis.sink.hit(").append(i).append(", payload);\n\t}\n\n");
		}
		source.append("}\n");
		return source.toString();
	}

	/**
	 * Generate and load the class.
	 * @param className the simple class name
	 * @param root the first topic level of all filters
	 * @param count the number of listener methods
	 * @param directory a scratch directory
	 * @return the loaded class
	 */
	static Class<?> compile(String className, String root, int count, Path directory) {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		if (compiler == null) {
			throw new IllegalStateException("No Java compiler in this runtime (" + System.getProperty("java.home")
					+ "); the scaling benchmark generates its listener classes and needs a JDK, not a JRE");
		}
		try {
			Path sourceDir = directory.resolve("src");
			Path classesDir = directory.resolve("classes");
			Path file = sourceDir.resolve(PACKAGE.replace('.', '/')).resolve(className + ".java");
			Files.createDirectories(file.getParent());
			Files.createDirectories(classesDir);
			Files.writeString(file, source(className, root, count));
			int status = compiler.run(null, null, System.err, "-proc:none", "-parameters", "-nowarn", "-classpath",
					System.getProperty("java.class.path"), "-d", classesDir.toString(), file.toString());
			if (status != 0) {
				throw new IllegalStateException("javac failed (" + status + ") on " + file);
			}
			URLClassLoader loader = new URLClassLoader(new URL[] { classesDir.toUri().toURL() },
					GeneratedListeners.class.getClassLoader());
			return Class.forName(PACKAGE + "." + className, true, loader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Integer> counts(boolean quick) {
		return List.of(1, 10, 100, 1000);
	}

}
