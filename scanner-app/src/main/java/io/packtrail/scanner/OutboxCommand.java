package io.packtrail.scanner;

import io.packtrail.client.EventIds;
import io.packtrail.v1.RecordEventRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `outbox list|discard|correct`. */
@Command(name = "outbox", mixinStandardHelpOptions = true,
    description = "The steps saved on this device: list them, discard a refused one, or "
        + "correct a refused one.",
    subcommands = {OutboxCommand.ListSteps.class, OutboxCommand.Discard.class,
        OutboxCommand.Correct.class})
final class OutboxCommand {
  @ParentCommand
  ScannerCli cli;

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the outbox, oldest first: every step with its state.")
  static final class ListSteps implements Callable<Integer> {
    @ParentCommand
    OutboxCommand parent;

    @Option(names = "--limit", defaultValue = "200", description = "at most this many "
        + "(default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
      try (Workspace ws = Workspace.open(parent.cli)) {
        for (Outbox.Entry e : ws.outbox.all(limit)) {
          System.out.println("#" + e.id() + "  " + UnitView.time(e.scannedAt()) + "  "
              + e.step() + "  " + e.unitCode() + "  " + Outbox.words(e.status())
              + (e.eventName() != null ? " as " + e.eventName() : "")
              + (e.status() == Outbox.Status.REFUSED ? ": " + e.errorCode() + ": "
                  + e.errorMessage() : "")
              + (e.replacedBy() != null ? " #" + e.replacedBy() : "")
              + "  event id " + e.eventId());
        }
        return ScannerCli.OK;
      }
    }
  }

  @Command(name = "discard", mixinStandardHelpOptions = true,
      description = "Drop a step the server refused: it is never sent (it stays listed as "
          + "discarded). Waiting steps cannot be discarded: they may already have reached the "
          + "server.")
  static final class Discard implements Callable<Integer> {
    @ParentCommand
    OutboxCommand parent;

    @Parameters(paramLabel = "ID", description = "the step's number (#ID in 'status')")
    long id;

    @Override
    public Integer call() throws Exception {
      try (Workspace ws = Workspace.open(parent.cli)) {
        Outbox.Entry e = ws.outbox.discard(id);
        System.out.println("#" + e.id() + " " + e.step() + " " + e.unitCode() + " discarded; "
            + "the unit's later steps, if any, are sent with the next 'sync'");
        return ScannerCli.OK;
      }
    }
  }

  @Command(name = "correct", mixinStandardHelpOptions = true,
      description = {"Replace a step the server refused by a corrected one and send it. The "
          + "correction is a new step (a new event id) with the refused step's unit, label, "
          + "site and scan time (--now: the time now), signed by this device's current key, and "
          + "takes its place in the order; the refused one is kept as 'replaced'.",
          "With --step and details: those replace the step's details. Without: the same step "
              + "is tried again (e.g. after the step before it arrived from another device, or "
              + "signed by a newly enrolled device after this one was retired)."})
  static final class Correct implements Callable<Integer> {
    @ParentCommand
    OutboxCommand parent;

    @Parameters(paramLabel = "ID", description = "the refused step's number (#ID in 'status')")
    long id;

    @Mixin
    StepOptions stepOptions = new StepOptions();

    @Option(names = "--no-send", description = "only save the correction; 'sync' sends it")
    boolean noSend;

    @Option(names = "--now", description = "date the correction now, not at the refused step's "
        + "scan time: for a step refused because this device's clock ran ahead when it was "
        + "scanned (set the clock right first)")
    boolean now;

    @Override
    public Integer call() throws Exception {
      stepOptions.validate();
      try (Workspace ws = Workspace.open(parent.cli)) {
        Outbox.Entry original = ws.outbox.find(id).orElseThrow(() ->
            new IllegalArgumentException("there is no step #" + id + " in the outbox"));
        // the correction is signed anew by this device (a new event id changes the statement)
        ws.requireDevice(original.request().getActorSite());
        RecordEventRequest.Builder b = original.request().toBuilder()
            .setEventId(EventIds.newEventId().toString());
        if (now) {
          b.setEventTime(io.packtrail.client.PacktrailClient.timestamp(ScanClock.now()));
        }
        String step = original.step();
        if (stepOptions.step != null) {
          b.clearStep();
          stepOptions.apply(b);
          step = stepOptions.step.name();
        }
        Outbox.Entry saved = ws.outbox.saveCorrection(id, step, b.build());
        System.out.println("SAVED #" + saved.id() + " " + saved.step() + " " + saved.unitCode()
            + " in place of #" + id);
        if (noSend) {
          return ScannerCli.OK;
        }
        try (ServerLink link = parent.cli.link()) {
          Delivery.Report r = ws.delivery(Delivery.DEFAULT_BATCH).deliver(link.deliveries(),
              System.out::println);
          Outbox.Status status = ws.outbox.find(saved.id()).orElseThrow().status();
          if (status == Outbox.Status.REFUSED) {
            return ScannerCli.REFUSED;
          }
          if (status == Outbox.Status.PENDING && r.callerRefusal() != null) {
            System.out.println(r.callerRefusal().line(r.pending()));
            return r.callerRefusal().exitCode();
          }
          if (status == Outbox.Status.PENDING) {
            System.out.println(r.offline() != null ? Words.SAVED_OFFLINE + " (" + r.offline()
                + ")" : "saved; it waits (see the line above), and is sent by a later sync");
            return ScannerCli.SERVER;
          }
          return ScannerCli.OK;
        }
      }
    }
  }
}
