package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Failures;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Clustered Vert.x over Hazelcast, members found from a configured list (no multicast): the
 * event bus spans the nodes, so a change committed through one reaches sockets on all, and
 * sessions are kept in the cluster. PostgreSQL stays the only durable store.
 *
 * <p>Both cluster sockets (Hazelcast's member port and the event bus) listen on the cluster host
 * only, never on every interface. Open-source Hazelcast 5 has no member authentication or TLS
 * (those are Enterprise features): a member is admitted when it knows the cluster name, which
 * travels in clear text. The name keeps clusters apart, not attackers out; the README says how to
 * fence the ports.
 */
final class Cluster {

  private Cluster() {}

  static Future<Vertx> start(AppConfig.ClusterSettings settings, eu.mhealthhub.agora.ops.Metrics metrics) {
    String address;
    try {
      address = InetAddress.getByName(settings.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(new IllegalStateException(
          "cluster host " + settings.host() + " (AGORA_CLUSTER_HOST) does not resolve to an address of this machine"));
    }
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(settings.name());
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    // without this Hazelcast listens on 0.0.0.0 whatever interface it announces
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    hazelcast.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(false)
        .setPublicAddress(address + ":" + settings.port());
    hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(address);
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost(address).setPort(settings.busPort()));
    return Vertx.builder().with(metrics.vertxOptions(options)).withMetrics(metrics.factory()).withTracer(metrics.tracer())
        .withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
        .recover(e -> Future.failedFuture(new IllegalStateException(describe(e, settings, address), e)));
  }

  private static String describe(Throwable e, AppConfig.ClusterSettings settings, String address) {
    String all = Failures.chain(e);
    if (all.contains("already in use") || all.contains("BindException")) {
      return all.contains("Port [" + settings.port() + "]") || settings.busPort() == 0
          ? "cluster port " + address + ":" + settings.port() + " is already in use (AGORA_CLUSTER_PORT)"
          : "cluster event bus port " + address + ":" + settings.busPort() + " is already in use (AGORA_CLUSTER_BUS_PORT)";
    }
    if (all.contains("Cannot assign requested address") || all.contains("interface")) {
      return "cluster host " + address + " (AGORA_CLUSTER_HOST) is not an address of this machine: " + e.getMessage();
    }
    return "the cluster did not start on " + address + ":" + settings.port() + ": " + e.getMessage();
  }
}
