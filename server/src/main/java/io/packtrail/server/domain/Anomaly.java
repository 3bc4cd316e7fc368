package io.packtrail.server.domain;

import java.time.Instant;
import java.util.List;

/** Something about a unit for a person to look at; flagged, never a reason to refuse. */
public record Anomaly(String unitCode, String kind, String description, List<String> events,
    Instant createTime) {}
