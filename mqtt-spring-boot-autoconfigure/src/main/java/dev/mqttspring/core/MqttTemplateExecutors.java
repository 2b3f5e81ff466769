package dev.mqttspring.core;

import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * The threads of one template, so that nothing runs on (or blocks) the client's callback
 * thread: a timer for timeouts, a small pool that completes reply futures, and one
 * thread that sends requests that waited for the reply subscription. Either a given
 * {@link TaskScheduler} (not shut down here) or daemon threads of its own, created when
 * first needed, idle ones ending after 30 s, all shut down by {@link #close()}.
 */
final class MqttTemplateExecutors implements AutoCloseable {

	private static final long KEEP_ALIVE_SECONDS = 30;

	private final @Nullable TaskScheduler scheduler;

	private final String name;

	private @Nullable ScheduledThreadPoolExecutor timer;

	private @Nullable ThreadPoolExecutor replies;

	private @Nullable ThreadPoolExecutor sends;

	/**
	 * @param scheduler a scheduler to run everything on, or {@code null} for own threads
	 * @param name the prefix of the names of own threads
	 */
	MqttTemplateExecutors(@Nullable TaskScheduler scheduler, String name) {
		this.scheduler = scheduler;
		this.name = name;
	}

	ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
		TaskScheduler scheduler = this.scheduler;
		if (scheduler != null) {
			return scheduler.schedule(task, Instant.now().plusNanos(delayNanos));
		}
		return timer().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Return the executor that completes reply futures.
	 */
	Executor replies() {
		return (this.scheduler != null) ? this::runOnScheduler : (task) -> pool(true).execute(task);
	}

	/**
	 * Return the executor that sends deferred requests, one at a time in order.
	 */
	Executor sends() {
		return (this.scheduler != null) ? this::runOnScheduler : (task) -> pool(false).execute(task);
	}

	private void runOnScheduler(Runnable task) {
		TaskScheduler scheduler = this.scheduler;
		if (scheduler instanceof Executor executor) {
			executor.execute(task);
		}
		else if (scheduler != null) {
			scheduler.schedule(task, Instant.now());
		}
	}

	private synchronized ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor timer = this.timer;
		if (timer == null) {
			timer = new ScheduledThreadPoolExecutor(1, threads(this.name + "-timer"));
			timer.setRemoveOnCancelPolicy(true);
			timer.setKeepAliveTime(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
			timer.allowCoreThreadTimeOut(true);
			this.timer = timer;
		}
		return timer;
	}

	private synchronized ThreadPoolExecutor pool(boolean replies) {
		ThreadPoolExecutor pool = replies ? this.replies : this.sends;
		if (pool == null) {
			int threads = replies ? 4 : 1;
			pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), threads(this.name + (replies ? "-reply" : "-send")));
			pool.allowCoreThreadTimeOut(true);
			if (replies) {
				this.replies = pool;
			}
			else {
				this.sends = pool;
			}
		}
		return pool;
	}

	private static ThreadFactory threads(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Shut down the own threads; tasks still queued are dropped. Used again afterwards,
	 * this object starts new threads.
	 */
	@Override
	public synchronized void close() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
		if (this.replies != null) {
			this.replies.shutdown();
			this.replies = null;
		}
		if (this.sends != null) {
			this.sends.shutdown();
			this.sends = null;
		}
	}

}
