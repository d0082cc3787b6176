package eu.mhealthhub.agora.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Lends test classes headless Chromium browsers that live as long as the test JVM: each browser
 * starts on first use and is closed once, when JUnit closes its root store at the end of the run,
 * instead of every browser class starting and quitting its own.
 *
 * <p>A {@link Chromium} parameter of a {@code @BeforeAll}, constructor or test method gets the
 * browser at its position among that method's Chromium parameters: {@code start(Chromium reader,
 * Chromium writer)} gets the first and the second. Parameters marked {@link WithoutJavaScript} come
 * from a separate set of browsers whose content settings block every page script.
 *
 * <p>Each time a browser is lent it is made as good as new: back on {@code about:blank}, no cookies,
 * cache or Agora site storage, the default window size. So a {@code @BeforeAll} parameter is fresh
 * for its class, and a test method's parameter for its test; test classes still clear cookies
 * between their own tests where they did before.
 */
public final class ChromiumExtension implements ParameterResolver {

  /** A browser with JavaScript off, for the pages' no-JavaScript behaviour. */
  @Target(ElementType.PARAMETER)
  @Retention(RetentionPolicy.RUNTIME)
  public @interface WithoutJavaScript {
  }

  private static final Dimension WINDOW = new Dimension(1280, 900);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Chromium.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    boolean javascript = !parameter.isAnnotated(WithoutJavaScript.class);
    Executable method = parameter.getDeclaringExecutable();
    int index = 0;
    for (Parameter p : method.getParameters()) {
      if (p.equals(parameter.getParameter())) {
        break;
      }
      if (p.getType() == Chromium.class && p.isAnnotationPresent(WithoutJavaScript.class) != javascript) {
        index++;
      }
    }
    return pool(context).lend(javascript, index);
  }

  private static Pool pool(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.create(ChromiumExtension.class))
        .getOrComputeIfAbsent(Pool.class, k -> new Pool(), Pool.class);
  }

  /** The run's browsers, by JavaScript setting and position; closed with the root store. */
  private static final class Pool implements ExtensionContext.Store.CloseableResource {
    private final List<Chromium> withJavaScript = new ArrayList<>();
    private final List<Chromium> withoutJavaScript = new ArrayList<>();

    synchronized Chromium lend(boolean javascript, int index) {
      List<Chromium> browsers = javascript ? withJavaScript : withoutJavaScript;
      while (browsers.size() <= index) {
        browsers.add(javascript ? Chromium.start() : Chromium.withoutJavaScript());
      }
      Chromium browser = browsers.get(index);
      ChromeDriver driver = browser.driver();
      driver.get("about:blank");
      driver.manage().window().setSize(WINDOW);
      driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
      browser.clearCookies();
      driver.executeCdpCommand("Storage.clearDataForOrigin",
          Map.of("origin", TestApp.shared().url(), "storageTypes", "all"));
      return browser;
    }

    @Override
    public synchronized void close() {
      RuntimeException failure = null;
      for (Chromium browser : concat()) {
        try {
          browser.close();
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
      withJavaScript.clear();
      withoutJavaScript.clear();
      if (failure != null) {
        throw failure;
      }
    }

    private List<Chromium> concat() {
      List<Chromium> all = new ArrayList<>(withJavaScript);
      all.addAll(withoutJavaScript);
      return all;
    }
  }
}
