package eu.mhealthhub.agora.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class too slow for {@code mvn test}: it starts extra Agora instances, a cluster or a
 * Keycloak, or runs for more than about twenty seconds. Surefire leaves the {@value #TAG} tag out;
 * Failsafe runs it in {@code mvn verify}, after the fast tests. Run one alone with
 * {@code mvn -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(SlowTest.TAG)
public @interface SlowTest {
  String TAG = "slow";
}
