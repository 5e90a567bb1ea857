using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AdminPortal.Features.Devices.CheckIns;

/// <summary>
/// What the check-in writer does, for operators (<c>dotnet-counters monitor -n AdminPortal --counters AdminPortal.CheckIns</c>
/// or any OpenTelemetry exporter): how long a check-in queued before its batch began, how long each batch's transaction
/// took up to its commit, and how many check-ins a batch held. A slow answer is then either a full queue (the writer
/// cannot keep up) or a slow commit (the database or its disk). The same meter carries <see cref="DeviceCredentials"/>'
/// measures of terminals that were not cached: how long such a request waited for its identity, and each lookup's query.
/// </summary>
public sealed class CheckInMetrics
{
    public const string MeterName = "AdminPortal.CheckIns";

    private readonly Histogram<double> _queued;
    private readonly Histogram<double> _commit;
    private readonly Histogram<int> _batchSize;

    public CheckInMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _queued = meter.CreateHistogram<double>("adminportal.checkin.queued.duration", "s",
            "Time a check-in waited in its writer's queue before its batch began");
        _commit = meter.CreateHistogram<double>("adminportal.checkin.commit.duration", "s",
            "Time a batch's transaction took, from its first statement to its commit (on SQLite the WAL's sync follows on its own thread)");
        _batchSize = meter.CreateHistogram<int>("adminportal.checkin.batch.size", "{check-in}",
            "Check-ins written in one transaction");
    }

    /// <summary>Whether anyone listens to the queue wait, which is recorded per check-in (the rest per batch).</summary>
    public bool QueueWaitEnabled => _queued.Enabled;

    public void Queued(long enqueuedAt, long batchStartedAt) => _queued.Record(Stopwatch.GetElapsedTime(enqueuedAt, batchStartedAt).TotalSeconds);

    public void Committed(int size, long startedAt)
    {
        _batchSize.Record(size);
        _commit.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
    }
}
