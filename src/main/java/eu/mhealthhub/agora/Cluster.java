package eu.mhealthhub.agora;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered Vert.x over Hazelcast, members found from a configured list (no multicast): the
 * event bus spans the nodes, so a change committed through one reaches sockets on all, and
 * sessions are kept in the cluster. PostgreSQL stays the only durable store.
 */
final class Cluster {

  private Cluster() {}

  static Future<Vertx> start(AppConfig.ClusterSettings settings) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName("agora");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(false)
        .setPublicAddress(settings.host() + ":" + settings.port());
    if (settings.host().matches("[0-9.]+")) {
      hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(settings.host());
    }
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost(settings.host()).setPort(0));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }
}
