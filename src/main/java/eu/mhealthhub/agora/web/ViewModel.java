package eu.mhealthhub.agora.web;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * A page's view record as the model {@link Pages} renders: one entry per record component, named
 * as the component. So a template reads {@code {{thread.title}}} from a {@code ThreadPage(thread, …)}
 * exactly as it did from a map, and routes hand over typed views instead of assembling maps.
 */
public final class ViewModel {

  /** The components' names and accessors, found once per record class. */
  private static final ClassValue<Accessor[]> ACCESSORS = new ClassValue<>() {
    @Override
    protected Accessor[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Accessor[] accessors = new Accessor[components.length];
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      for (int i = 0; i < components.length; i++) {
        try {
          accessors[i] = new Accessor(components[i].getName(), lookup.unreflect(components[i].getAccessor()));
        } catch (IllegalAccessException e) {
          throw new IllegalArgumentException("a view record must be public: " + type.getName(), e);
        }
      }
      return accessors;
    }
  };

  private record Accessor(String name, MethodHandle get) {}

  private ViewModel() {}

  /** The view's components by name, in a map the caller may add to. */
  public static Map<String, Object> of(Record view) {
    Accessor[] accessors = ACCESSORS.get(view.getClass());
    Map<String, Object> model = new HashMap<>(accessors.length * 2);
    for (Accessor a : accessors) {
      try {
        model.put(a.name(), a.get().invoke(view));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
    return model;
  }
}
