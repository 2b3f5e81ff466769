package dev.mqttspring.sample;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the documentation buildable: the Java snippets of README.md and docs/guide.md
 * compile as written against the starter (and, for the test snippets, the test
 * dependencies), and every Maven dependency snippet names the version the build uses, or
 * needs none because the project's BOM ({@code dev.mqttspring:mqtt-spring-boot-dependencies},
 * whose import the document shows or points to) or Spring Boot's dependency management
 * supplies it.
 * <p>
 * The Java snippets of one document are compiled together, so a type one snippet declares
 * (such as {@code Reading}) is there for the others. A snippet that cannot be a
 * compilation unit (a method, a few statements) is marked with
 * {@code <!-- snippet: fragment -->} on the line before its fence and is skipped.
 */
class DocumentationSnippetsTests {

	private static final String FRAGMENT = "<!-- snippet: fragment -->";

	private static final String BOM = "mqtt-spring-boot-dependencies";

	private static final Pattern FENCE = Pattern.compile("(?m)^[ \\t]*```(\\w+)\\n(.*?)^[ \\t]*```", Pattern.DOTALL);

	private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

	private static final Pattern PUBLIC_TYPE = Pattern
		.compile("(?m)^public\\s+(?:final\\s+|abstract\\s+)?(?:class|interface|record|enum|@interface)\\s+(\\w+)");

	@TempDir
	Path directory;

	@ParameterizedTest
	@ValueSource(strings = { "README.md", "docs/guide.md" })
	void javaSnippetsCompile(String document) throws IOException {
		List<Snippet> snippets = snippets(document, "java");
		List<Snippet> units = snippets.stream().filter((snippet) -> !snippet.fragment()).toList();
		assertThat(units).as("compilable Java snippets in %s", document).isNotEmpty();
		Path sources = Files.createDirectories(this.directory.resolve("src"));
		Path classes = Files.createDirectories(this.directory.resolve("classes"));
		List<Path> files = new ArrayList<>();
		for (Snippet snippet : units) {
			Matcher publicType = PUBLIC_TYPE.matcher(snippet.text());
			String name = publicType.find() ? publicType.group(1) : "Snippet" + snippet.line();
			Path file = Files.createDirectories(sources.resolve("line" + snippet.line())).resolve(name + ".java");
			Files.writeString(file, snippet.text());
			files.add(file);
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		StringWriter output = new StringWriter();
		try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			Iterable<? extends JavaFileObject> compilationUnits = fileManager.getJavaFileObjectsFromPaths(files);
			List<String> options = List.of("-proc:none", "-parameters", "-Xlint:none", "-classpath",
					System.getProperty("java.class.path"), "-d", classes.toString());
			boolean compiled = compiler.getTask(output, fileManager, diagnostics, options, null, compilationUnits).call();
			List<String> errors = new ArrayList<>();
			for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
				if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
					String source = diagnostic.getSource().getName();
					int snippetLine = Integer.parseInt(source.replaceAll(".*line(\\d+).*", "$1"));
					errors.add(document + ":" + (snippetLine + diagnostic.getLineNumber()) + ": "
							+ diagnostic.getMessage(Locale.ROOT));
				}
			}
			assertThat(errors).as("compile errors in the Java snippets of %s (mark a snippet that cannot be a "
					+ "compilation unit with %s)%n%s", document, FRAGMENT, output).isEmpty();
			assertThat(compiled).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "README.md", "docs/guide.md" })
	void dependencySnippetsNameAVersionTheBuildUses(String document) throws IOException {
		String rootPom = Files.readString(root().resolve("pom.xml"));
		Path bomFile = root().resolve(BOM).resolve("pom.xml");
		String bomPom = Files.exists(bomFile) ? Files.readString(bomFile) : "";
		String projectVersion = element(rootPom.substring(rootPom.indexOf("</parent>") + 1), "version");
		String bootDependencies = springBootDependencies(rootPom);
		// the BOM import is shown in the document, or the document points to where it is shown
		boolean bomShown = Files.readString(root().resolve(document)).contains(BOM);
		List<String> problems = new ArrayList<>();
		int dependencies = 0;
		for (Snippet snippet : snippets(document, "xml")) {
			Matcher dependency = DEPENDENCY.matcher(snippet.text());
			while (dependency.find()) {
				String xml = dependency.group(1);
				String groupId = element(xml, "groupId");
				String artifactId = element(xml, "artifactId");
				String version = element(xml, "version");
				String where = document + ":" + snippet.line() + ": " + groupId + ":" + artifactId;
				if (BOM.equals(artifactId)) {
					if (!projectVersion.equals(version)) {
						problems.add(where + ":" + version + " is not the project version " + projectVersion);
					}
					continue;
				}
				dependencies++;
				String managed = "dev.mqttspring".equals(groupId) ? projectVersion : managedVersion(bomPom, artifactId);
				if ("dev.mqttspring".equals(groupId) && !Files.isDirectory(root().resolve(artifactId))) {
					problems.add(where + " is not a module of the build");
				}
				else if (version == null) {
					boolean byBom = bomShown && managed != null && (!"dev.mqttspring".equals(groupId)
							|| bomPom.contains("<artifactId>" + artifactId + "</artifactId>"));
					boolean bySpringBoot = bootDependencies.contains("<artifactId>" + artifactId + "</artifactId>")
							|| importsBom(bootDependencies, groupId);
					if (!byBom && !bySpringBoot) {
						problems.add(where + " has no version, and neither the project's BOM (imported in the document) "
								+ "nor Spring Boot's dependency management supplies one");
					}
				}
				else if (managed != null && !version.equals(managed)) {
					problems.add(where + ":" + version + " is not the version the build uses (" + managed + ")");
				}
			}
		}
		assertThat(dependencies).as("dependency snippets in %s", document).isPositive();
		assertThat(problems).isEmpty();
	}

	/**
	 * Return the version the pom's dependency management gives the artifact, or
	 * {@code null} when it does not manage it.
	 */
	private static String managedVersion(String pom, String artifactId) {
		Matcher dependency = DEPENDENCY.matcher(pom);
		while (dependency.find()) {
			String xml = dependency.group(1);
			if (artifactId.equals(element(xml, "artifactId"))) {
				String version = element(xml, "version");
				if (version != null && version.startsWith("${")) {
					String property = version.substring(2, version.length() - 1);
					version = "project.version".equals(property) ? element(pom, "version") : element(pom, property);
				}
				return version;
			}
		}
		return null;
	}

	/**
	 * Whether the pom imports a BOM of the group (Spring Boot manages Spring Integration,
	 * for example, through {@code spring-integration-bom}).
	 */
	private static boolean importsBom(String pom, String groupId) {
		Matcher dependency = DEPENDENCY.matcher(pom);
		while (dependency.find()) {
			String xml = dependency.group(1);
			if (groupId.equals(element(xml, "groupId")) && "import".equals(element(xml, "scope"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return Spring Boot's dependency management from the local Maven repository, where
	 * the build put it (in the default version, or one of the profiles' versions).
	 */
	private static String springBootDependencies(String rootPom) throws IOException {
		String repository = System.getProperty("maven.repo.local",
				Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
		Matcher versions = Pattern.compile("<spring-boot.version>([^<]+)</spring-boot.version>").matcher(rootPom);
		while (versions.find()) {
			String version = versions.group(1);
			Path pom = Path.of(repository, "org", "springframework", "boot", "spring-boot-dependencies", version,
					"spring-boot-dependencies-" + version + ".pom");
			if (Files.exists(pom)) {
				return Files.readString(pom);
			}
		}
		throw new AssertionError("Spring Boot's dependency management is not in " + repository);
	}

	private static String element(String xml, String name) {
		Matcher matcher = Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(xml);
		return matcher.find() ? matcher.group(1) : null;
	}

	private static List<Snippet> snippets(String document, String language) throws IOException {
		String text = Files.readString(root().resolve(document));
		List<Snippet> snippets = new ArrayList<>();
		Matcher fence = FENCE.matcher(text);
		while (fence.find()) {
			if (!fence.group(1).equals(language)) {
				continue;
			}
			String before = text.substring(0, fence.start());
			int line = (int) before.chars().filter((c) -> c == '\n').count() + 1;
			String previousLine = before.stripTrailing();
			previousLine = previousLine.substring(previousLine.lastIndexOf('\n') + 1).trim();
			snippets.add(new Snippet(line, fence.group(2), previousLine.equals(FRAGMENT)));
		}
		return snippets;
	}

	private static Path root() {
		Path current = Path.of("").toAbsolutePath();
		return Files.exists(current.resolve("README.md")) ? current : current.getParent();
	}

	/**
	 * A fenced code block.
	 *
	 * @param line the line of the opening fence
	 * @param text the code
	 * @param fragment whether it is marked as a fragment
	 */
	record Snippet(int line, String text, boolean fragment) {
	}

}
