package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.report.Certificate;
import io.github.deaddirections.report.StructureClass;

import java.util.List;

/**
 * A structure after classification: its class, the null dimensions it owns, its reads, for a
 * genuine block the law that gives its (lambda_B, m_B), and for a flat gauge what certifies it.
 *
 * @param certificate  what certifies a FLAT_GAUGE (null for the other classes)
 * @param claimedByLaw a genuine block claimed by the law of its kind without a read of its own
 *                     (blocks of one kind read the same: a few are read, the rest claimed)
 */
public record ClassifiedStructure(String id, String mechanism, StructureClass structureClass, List<String> layers,
                                  int dimension, Integer order, BlockLaw law, List<DirectionRead> reads,
                                  Certificate certificate, boolean claimedByLaw) {

    public ClassifiedStructure {
        layers = List.copyOf(layers);
        reads = List.copyOf(reads);
        if ((structureClass == StructureClass.FLAT_GAUGE) != (certificate != null)) {
            throw new IllegalArgumentException(id + ": a FLAT_GAUGE needs a certificate and only a FLAT_GAUGE has one");
        }
    }

    static ClassifiedStructure genuine(String id, String mechanism, List<String> layers, int dimension, int order,
                                       BlockLaw law, List<DirectionRead> reads, boolean claimedByLaw) {
        return new ClassifiedStructure(id, mechanism, StructureClass.GENUINE_SINGULARITY, layers, dimension, order, law,
                reads, null, claimedByLaw);
    }

    static ClassifiedStructure gauge(String id, String mechanism, List<String> layers, int dimension,
                                     List<DirectionRead> reads, Certificate certificate) {
        return new ClassifiedStructure(id, mechanism, StructureClass.FLAT_GAUGE, layers, dimension, null, null, reads,
                certificate, false);
    }

    static ClassifiedStructure unresolved(String id, String mechanism, List<String> layers, int dimension,
                                          List<DirectionRead> reads) {
        return new ClassifiedStructure(id, mechanism, StructureClass.UNRESOLVED, layers, dimension, null, null, reads,
                null, false);
    }

    static ClassifiedStructure regular(String id, String mechanism, List<String> layers, List<DirectionRead> reads) {
        return new ClassifiedStructure(id, mechanism, StructureClass.REGULAR, layers, 0, 1, null, reads, null, false);
    }
}
