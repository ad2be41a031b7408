package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.report.StructureClass;

import java.util.List;

/**
 * A structure after classification: its class, the null dimensions it owns, its reads, and (for
 * a genuine block) the law that gives its (lambda_B, m_B).
 */
public record ClassifiedStructure(String id, String mechanism, StructureClass structureClass, List<String> layers,
                                  int dimension, Integer order, BlockLaw law, List<DirectionRead> reads) {

    public ClassifiedStructure {
        layers = List.copyOf(layers);
        reads = List.copyOf(reads);
    }
}
