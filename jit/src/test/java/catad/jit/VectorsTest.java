package catad.jit;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The Vector API is used exactly when it is present: the build runs the JIT's tests once with
 * {@code --add-modules jdk.incubator.vector} and once without (with
 * {@code -Dcatad.test.withoutVectorModule=true}, so this test knows which run it is in).
 */
class VectorsTest {

    @Test void vectorsAreUsedWhenAndOnlyWhenTheModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (Boolean.getBoolean("catad.test.withoutVectorModule")) {
            assertFalse(present, "this run was meant to be without the incubator module");
            assertEquals(0, Vectors.LANES);
            assertTrue(Vectors.WHY_SCALAR.contains("jdk.incubator.vector"), Vectors.WHY_SCALAR);
            assertEquals(0, Jit.compile(catad.dsl.Catad.map(64, catad.dsl.Catad.sqrt)).vectorLanes());
        } else if (present && Vectors.WHY_SCALAR == null) {
            assertTrue(Vectors.LANES >= 2 && Vectors.LANES <= 8, "lanes " + Vectors.LANES);
            assertEquals(Vectors.LANES, Jit.compile(catad.dsl.Catad.map(64, catad.dsl.Catad.sqrt)).vectorLanes());
        } else {
            assertNotNull(Vectors.WHY_SCALAR);
        }
    }
}
