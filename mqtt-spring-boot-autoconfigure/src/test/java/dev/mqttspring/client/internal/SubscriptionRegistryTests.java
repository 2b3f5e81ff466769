package dev.mqttspring.client.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SubscriptionRegistry}.
 */
class SubscriptionRegistryTests {

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	@Test
	void listenersOfOneFilterShareOneEntryWithOneIdentifierAndTheHighestQos() {
		SubscriptionRegistry.Entry first = this.registry.add(subscription("a/+", 0, "one"), "client");
		SubscriptionRegistry.Entry second = this.registry.add(subscription("a/+", 2, "two"), "client");
		SubscriptionRegistry.Entry other = this.registry.add(subscription("a/#", 1, "three"), "client");
		assertThat(second).isSameAs(first);
		assertThat(first.id()).isEqualTo(1);
		assertThat(other.id()).isEqualTo(2);
		assertThat(first.requestedQos()).isEqualTo(2);
		assertThat(first.owners()).containsExactly("one", "two");
		assertThat(this.registry.states()).extracting(MqttConnectionStateFilter::of).containsExactly("a/+", "a/#");
	}

	@Test
	void differentSubscriptionOptionsForOneFilterAreRefused() {
		this.registry.add(subscription("a", 1, "one"), "client");
		MqttSubscription noLocal = new MqttSubscription("a", 1, (message) -> {
		}, "two", new MqttSubscriptionOptions(true, false, MqttSubscriptionOptions.DEFAULTS.retainHandling()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.add(noLocal, "client"))
			.withMessageContaining("two subscribes to 'a' with the subscription options")
			.withMessageContaining("on the same connection 'client'");
	}

	@Test
	void targetsComeFromSubscriptionIdentifiersWhenTheyMatchElseFromEveryMatchingFilter() {
		MqttSubscription plus = subscription("a/+", 1, "plus");
		MqttSubscription hash = subscription("a/#", 1, "hash");
		int plusId = this.registry.add(plus, "client").id();
		int hashId = this.registry.add(hash, "client").id();
		assertThat(this.registry.targets("a/b", List.of())).containsExactlyInAnyOrder(plus, hash);
		assertThat(this.registry.targets("a/b", List.of(hashId))).containsExactly(hash);
		assertThat(this.registry.targets("a/b/c", List.of(plusId))).containsExactly(hash);
		assertThat(this.registry.targets("b", List.of())).isEmpty();
		assertThat(this.registry.owners("a/b")).containsExactlyInAnyOrder("plus", "hash");
	}

	@Test
	void knownResultIsReusedUnlessTheQosRises() {
		SubscriptionRegistry.Entry entry = this.registry.add(subscription("a", 1, "one"), "client");
		CompletableFuture<MqttSubscriptionResult> waiting = new CompletableFuture<>();
		assertThat(entry.resultOrWait(waiting)).isNull();
		MqttSubscriptionResult granted = new MqttSubscriptionResult("a", 1, 1);
		assertThat(this.registry.subscribed(entry, granted)).containsExactly(waiting);
		assertThat(entry.isSubscribedInSession()).isTrue();
		assertThat(this.registry.add(subscription("a", 1, "two"), "client").resultOrWait(new CompletableFuture<>()))
			.isSameAs(granted);
		assertThat(this.registry.add(subscription("a", 2, "three"), "client").resultOrWait(new CompletableFuture<>()))
			.isNull();
	}

	@Test
	void refusedSubscriptionIsNotInTheSession() {
		SubscriptionRegistry.Entry entry = this.registry.add(subscription("a", 1, "one"), "client");
		this.registry.subscribed(entry, new MqttSubscriptionResult("a", 1, 0x87));
		assertThat(entry.isSubscribedInSession()).isFalse();
		assertThat(entry.result()).isNotNull();
		assertThat(this.registry.states()).singleElement().satisfies((state) -> assertThat(state.result()).isNotNull());
	}

	@Test
	void lastRemovedSubscriptionRemovesTheFilter() {
		MqttSubscription one = subscription("a", 1, "one");
		MqttSubscription two = subscription("a", 1, "two");
		SubscriptionRegistry.Entry entry = this.registry.add(one, "client");
		this.registry.add(two, "client");
		assertThat(this.registry.remove(one)).isNull();
		assertThat(this.registry.remove(one)).isNull();
		assertThat(this.registry.remove(two)).isSameAs(entry);
		assertThat(this.registry.states()).isEmpty();
		assertThat(this.registry.targets("a", List.of())).isEmpty();
	}

	@Test
	void detachedFilterStaysAndHoldsItsMessagesUntilDropped() {
		MqttSubscription one = subscription("a/+", 1, "one");
		this.registry.add(one, "client");
		this.registry.add(subscription("a/b", 1, "two"), "client");
		assertThat(this.registry.matchesDetached("a/b")).isFalse();
		assertThat(this.registry.detach(one)).isTrue();
		assertThat(this.registry.matchesDetached("a/b")).isTrue();
		assertThat(this.registry.matchesDetached("x")).isFalse();
		assertThat(this.registry.states()).extracting(MqttConnectionStateFilter::of).containsExactly("a/b");
		this.registry.dropDetached();
		assertThat(this.registry.matchesDetached("a/b")).isFalse();
	}

	@Test
	void newConnectionSubscribesEverythingWithoutASessionAndWhatTheSessionLacksWithOne() {
		MqttSubscription detached = subscription("d", 1, "detached");
		SubscriptionRegistry.Entry granted = this.registry.add(subscription("g", 1, "one"), "client");
		this.registry.add(subscription("n", 1, "two"), "client");
		this.registry.add(detached, "client");
		this.registry.subscribed(granted, new MqttSubscriptionResult("g", 1, 1));
		this.registry.detach(detached);
		assertThat(this.registry.toSubscribe(true)).extracting(SubscriptionRegistry.Entry::filter).containsExactly("n", "d");
		assertThat(this.registry.toSubscribe(false)).extracting(SubscriptionRegistry.Entry::filter).containsExactly("g", "n");
		assertThat(granted.isSubscribedInSession()).isFalse();
	}

	@Test
	void detachedFilterSubscribedAgainKeepsTheOptionsOfItsLastSubscription() {
		MqttSubscriptionOptions noLocal = new MqttSubscriptionOptions(true, false,
				MqttSubscriptionOptions.DEFAULTS.retainHandling());
		MqttSubscription one = new MqttSubscription("a", 1, (message) -> {
		}, "one", noLocal);
		SubscriptionRegistry.Entry entry = this.registry.add(one, "client");
		assertThat(entry.options()).isEqualTo(noLocal);
		this.registry.detach(one);
		assertThat(entry.options()).isEqualTo(noLocal);
	}

	@Test
	void overlapIsTrackedAsFiltersComeAndGoDetachedOnesIncluded() {
		MqttSubscription exact = subscription("a/b", 1, "exact");
		MqttSubscription other = subscription("c/+", 1, "other");
		this.registry.add(exact, "client");
		this.registry.add(other, "client");
		assertThat(this.registry.mayOverlap()).isFalse();
		MqttSubscription hash = subscription("a/#", 1, "hash");
		this.registry.add(hash, "client");
		assertThat(this.registry.mayOverlap()).isTrue();
		this.registry.remove(hash);
		assertThat(this.registry.mayOverlap()).isFalse();
		// a shared subscription overlaps the plain one on the same filter
		MqttSubscription shared = subscription("$share/g/a/b", 1, "shared");
		this.registry.add(shared, "client");
		assertThat(this.registry.mayOverlap()).isTrue();
		// a detached filter stays with the broker: it still overlaps
		this.registry.detach(shared);
		assertThat(this.registry.mayOverlap()).isTrue();
		this.registry.dropDetached();
		assertThat(this.registry.mayOverlap()).isFalse();
		// '$' topics do not match filters starting with a wildcard
		this.registry.add(subscription("#", 1, "all"), "client");
		assertThat(this.registry.mayOverlap()).isTrue();
		this.registry.remove(exact);
		this.registry.remove(other);
		this.registry.add(subscription("$SYS/x", 1, "sys"), "client");
		assertThat(this.registry.mayOverlap()).isFalse();
	}

	@Test
	void withoutOverlapTheTopicNamesTheOneFilterAndIdentifiersAreNotNeeded() {
		MqttSubscription plus = subscription("a/+", 1, "plus");
		MqttSubscription other = subscription("b/#", 1, "other");
		SubscriptionRegistry.Entry plusEntry = this.registry.add(plus, "client");
		SubscriptionRegistry.Entry otherEntry = this.registry.add(other, "client");
		assertThat(this.registry.soleMatch("a/x")).isSameAs(plusEntry);
		assertThat(this.registry.soleMatch("b/x/y")).isSameAs(otherEntry);
		assertThat(this.registry.soleMatch("c")).isNull();
		// an identifier that names another filter (a stale session) does not misroute the message
		assertThat(this.registry.targets("a/x", List.of(otherEntry.id()))).containsExactly(plus);
		assertThat(this.registry.targets("a/x", List.of(plusEntry.id()))).containsExactly(plus);
		this.registry.add(subscription("a/x", 1, "exact"), "client");
		assertThat(this.registry.soleMatch("a/x")).isNull();
	}

	private static MqttSubscription subscription(String filter, int qos, String owner) {
		return new MqttSubscription(filter, qos, (message) -> {
		}, owner);
	}

	private static final class MqttConnectionStateFilter {

		static String of(dev.mqttspring.core.MqttConnection.SubscriptionState state) {
			return state.filter();
		}

	}

}
