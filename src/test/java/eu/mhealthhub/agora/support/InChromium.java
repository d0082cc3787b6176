package eu.mhealthhub.agora.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that drives headless Chromium: its {@link Chromium} parameters come from
 * {@link ChromiumExtension}, and like the {@link SlowTest slow tests} it runs in {@code mvn verify}
 * (Failsafe), not in {@code mvn test}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(InChromium.TAG)
@ExtendWith(ChromiumExtension.class)
public @interface InChromium {
  String TAG = "browser";
}
