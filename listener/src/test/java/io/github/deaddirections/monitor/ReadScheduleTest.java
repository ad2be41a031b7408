package io.github.deaddirections.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadScheduleTest {

    @Test
    void everyNEpochsReadsAfterTheNthCompletedEpoch() {
        assertEquals(List.of(3, 6, 9), epochsDue(ReadSchedule.everyEpochs(3)));
    }

    @Test
    void listedEpochsReadExactlyThere() {
        assertEquals(List.of(1, 7), epochsDue(ReadSchedule.atEpochs(List.of(7, 1, 42))));
    }

    @Test
    void iterationSchedulesIgnoreEpochsAndViceVersa() {
        ReadSchedule iterations = ReadSchedule.everyIterations(4);
        assertEquals(List.of(), epochsDue(iterations));
        assertEquals(List.of(4, 8), IntStream.rangeClosed(1, 10).filter(iterations::dueAfterIteration).boxed().toList());
        assertEquals(List.of(), IntStream.rangeClosed(1, 10).filter(ReadSchedule.everyEpochs(1)::dueAfterIteration)
                .boxed().toList());
    }

    private static List<Integer> epochsDue(ReadSchedule schedule) {
        return IntStream.rangeClosed(1, 10).filter(schedule::dueAfterEpoch).boxed().toList();
    }
}
