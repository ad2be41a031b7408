package io.github.deaddirections.monitor;

import io.github.deaddirections.config.ConfigException;
import io.github.deaddirections.config.YamlNamed;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * When the listener reads the network: every N epochs, at listed epochs, or every N iterations.
 * Epochs and iterations count completed ones, starting at 1, so "every 5 epochs" reads after the
 * 5th, 10th, ... epoch.
 *
 * @param mode   which clock the schedule follows
 * @param every  the period for {@link Mode#EPOCHS} and {@link Mode#ITERATIONS} (1 otherwise)
 * @param epochs the epochs of {@link Mode#EPOCH_LIST} (empty otherwise)
 */
public record ReadSchedule(Mode mode, int every, SortedSet<Integer> epochs) {

    /** The clock of a schedule, with the names used in YAML. */
    public enum Mode implements YamlNamed {
        EPOCHS("epochs"), EPOCH_LIST("epoch-list"), ITERATIONS("iterations");

        private final String yamlName;

        Mode(String yamlName) {
            this.yamlName = yamlName;
        }

        @Override
        public String yamlName() {
            return yamlName;
        }
    }

    public ReadSchedule {
        if (mode == null) {
            throw new ConfigException("schedule.mode", "is missing; choose one of " + YamlNamed.names(Mode.class));
        }
        epochs = epochs == null ? new TreeSet<>() : new TreeSet<>(epochs);
        if (mode != Mode.EPOCH_LIST && every < 1) {
            throw new ConfigException("schedule.every", every + " must be at least 1");
        }
        if (mode == Mode.EPOCH_LIST) {
            if (epochs.isEmpty()) {
                throw new ConfigException("schedule.epochs", "is empty; list the epochs to read after, e.g. [1, 10, 50]");
            }
            if (epochs.first() < 1) {
                throw new ConfigException("schedule.epochs", epochs.first() + " is not an epoch; epochs count from 1");
            }
        }
        // The unused half of a schedule is normalised, so equal schedules are equal records.
        if (mode == Mode.EPOCH_LIST) {
            every = 1;
        } else {
            epochs = new TreeSet<>();
        }
        epochs = Collections.unmodifiableSortedSet(epochs);
    }

    public static ReadSchedule everyEpochs(int n) {
        return new ReadSchedule(Mode.EPOCHS, n, null);
    }

    public static ReadSchedule atEpochs(List<Integer> epochs) {
        return new ReadSchedule(Mode.EPOCH_LIST, 1, new TreeSet<>(epochs));
    }

    public static ReadSchedule everyIterations(int n) {
        return new ReadSchedule(Mode.ITERATIONS, n, null);
    }

    /** Whether a read is due once this many epochs have completed. */
    public boolean dueAfterEpoch(int completedEpochs) {
        return switch (mode) {
            case EPOCHS -> completedEpochs % every == 0;
            case EPOCH_LIST -> epochs.contains(completedEpochs);
            case ITERATIONS -> false;
        };
    }

    /** Whether a read is due once this many iterations have completed. */
    public boolean dueAfterIteration(long completedIterations) {
        return mode == Mode.ITERATIONS && completedIterations % every == 0;
    }
}
