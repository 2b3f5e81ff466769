package dev.mqttspring.paho;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The executor given to a Paho client: a new thread per task, as Paho starts its receiver,
 * sender, callback and connect threads without one, but a task that ends with an error
 * (Paho's receiver and sender threads catch only {@code MqttException} and
 * {@code IOException}, so an {@link OutOfMemoryError} ends them silently and nothing reads
 * the socket until the keep-alive gives up) is reported. Paho cancels its tasks without
 * interrupting them here, as it stops its own threads. Schedules nothing: the connection
 * gives Paho its own ping sender.
 */
final class PahoThreads extends AbstractExecutorService implements ScheduledExecutorService {

	private final BiConsumer<String, Throwable> failed;

	private volatile boolean shutdown;

	/**
	 * Create the executor.
	 * @param failed told the thread name and the error of a task that ended with one
	 */
	PahoThreads(BiConsumer<String, Throwable> failed) {
		this.failed = failed;
	}

	@Override
	public void execute(Runnable command) {
		if (this.shutdown) {
			throw new RejectedExecutionException("The MQTT client is closed");
		}
		Runnable task = (command instanceof Reporting<?>) ? command : () -> {
			try {
				command.run();
			}
			catch (Throwable ex) {
				// reported (and logged) instead of ending the thread through the default handler
				report(ex);
			}
		};
		// daemon or not as the starting thread, as Paho's own threads: an application without
		// a web server stays up on them
		new Thread(task, "MQTT Paho").start();
	}

	private void report(Throwable ex) {
		try {
			this.failed.accept(Thread.currentThread().getName(), ex);
		}
		catch (Throwable ignored) {
			// out of memory again: the keep-alive watchdog is the fallback
		}
	}

	@Override
	protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
		return new Reporting<>(java.util.concurrent.Executors.callable(runnable, value));
	}

	@Override
	protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
		return new Reporting<>(callable);
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	@Override
	public List<Runnable> shutdownNow() {
		this.shutdown = true;
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return true;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		throw unsupported();
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw unsupported();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		throw unsupported();
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		throw unsupported();
	}

	private static RejectedExecutionException unsupported() {
		return new RejectedExecutionException("The MQTT connection's Paho executor schedules nothing");
	}

	/**
	 * A task that reports the error it ends with and is cancelled without an interrupt.
	 */
	private final class Reporting<T> extends FutureTask<T> {

		Reporting(Callable<T> callable) {
			super(callable);
		}

		@Override
		protected void setException(Throwable ex) {
			if (!isCancelled()) {
				// not one that Paho stopped
				report(ex);
			}
			super.setException(ex);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return super.cancel(false);
		}

	}

}
