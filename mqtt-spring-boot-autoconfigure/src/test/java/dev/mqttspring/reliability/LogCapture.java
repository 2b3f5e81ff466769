package dev.mqttspring.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Captures log events in memory at a chosen level for some loggers, including the
 * formatted message and every throwable in the chain with its stack trace.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

	private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

	private final List<Logger> loggers = new ArrayList<>();

	private final List<Level> previousLevels = new ArrayList<>();

	private LogCapture() {
	}

	static LogCapture start(Level level, String... loggerNames) {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		LogCapture capture = new LogCapture();
		capture.setContext(context);
		capture.setName("reliability-capture");
		capture.start();
		for (String name : loggerNames) {
			Logger logger = context.getLogger(name);
			capture.loggers.add(logger);
			capture.previousLevels.add(logger.getLevel());
			logger.setLevel(level);
			logger.addAppender(capture);
		}
		return capture;
	}

	@Override
	protected void append(ILoggingEvent event) {
		event.prepareForDeferredProcessing();
		this.events.add(event);
	}

	List<ILoggingEvent> events() {
		return this.events;
	}

	/**
	 * Return all captured text: level, logger, formatted message, and every throwable
	 * with its messages and stack frames.
	 */
	String text() {
		StringBuilder text = new StringBuilder();
		for (ILoggingEvent event : this.events) {
			text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
				.append(event.getFormattedMessage()).append('\n');
			for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
				text.append("  ").append(proxy.getClassName()).append(": ").append(proxy.getMessage()).append('\n');
				for (var frame : proxy.getStackTraceElementProxyArray()) {
					text.append("    ").append(frame.getSTEAsString()).append('\n');
				}
			}
		}
		return text.toString();
	}

	long count(Level level) {
		return this.events.stream().filter((event) -> event.getLevel().isGreaterOrEqual(level)).count();
	}

	@Override
	public void close() {
		for (int i = 0; i < this.loggers.size(); i++) {
			this.loggers.get(i).detachAppender(this);
			this.loggers.get(i).setLevel(this.previousLevels.get(i));
		}
		stop();
	}

}
