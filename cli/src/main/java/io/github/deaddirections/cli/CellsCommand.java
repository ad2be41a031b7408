package io.github.deaddirections.cli;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code dead-directions cells}: writes every constructed acceptance cell (CELLS.md) as a model
 * zip, a probe DataSet and the theory's prediction, so users can watch a read recover known
 * answers on their own machine. All files appear together or none do.
 */
@Command(name = "cells", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write the constructed cells as NAME.zip + NAME.probe.bin + NAME.expected.json.",
        footer = {"", "Then: dead-directions read --model DIR/NAME.zip --probe DIR/NAME.probe.bin"})
final class CellsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    DeadDirectionsCli parent;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the cells into.")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the live weights and the probe (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Progress progress = parent.progress(spec.commandLine().getErr(), quiet);
        List<Cell> cells = progress.phase("building " + ConstructedCells.names().size() + " cells (seed " + seed + ")",
                () -> ConstructedCells.all(seed));
        progress.phase("writing the cells to " + out, () -> {
            try (OutputFiles files = new OutputFiles()) {
                for (Cell cell : cells) {
                    // The labels are the network's own outputs: DataSet.save wants some, the read ignores them.
                    DataSet probe = new DataSet(cell.probe(), cell.network().output(cell.probe()));
                    files.stage(out.resolve(cell.name() + ".zip"), f -> ModelSerializer.writeModel(cell.network(), f.toFile(), false));
                    files.stage(out.resolve(cell.name() + ".probe.bin"), f -> probe.save(f.toFile()));
                    files.stage(out.resolve(cell.name() + ".expected.json"), ExpectedJson.of(cell, seed));
                }
                files.commit();
            }
            return null;
        });
        for (Cell cell : cells) {
            Cell.Prediction p = cell.prediction();
            stdout.println(String.format(Locale.ROOT, "%-22s P = %2d, rank %2d, gauge %d, lambda = %d/%d, m = %d",
                    cell.name(), p.parameters(), p.rank(), p.gaugeDimension(), p.lambdaNumerator(), p.lambdaDenominator(),
                    p.multiplicity()));
        }
        stdout.println("wrote " + cells.size() + " cells to " + out + "; read one with: dead-directions read --model "
                + out.resolve(cells.get(0).name() + ".zip") + " --probe " + out.resolve(cells.get(0).name() + ".probe.bin"));
        stdout.flush();
        return ExitCodes.OK;
    }
}
