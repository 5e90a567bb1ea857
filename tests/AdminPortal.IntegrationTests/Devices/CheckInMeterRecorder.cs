using System.Diagnostics.Metrics;
using AdminPortal.Features.Devices.CheckIns;
using AdminPortal.Testing;

namespace AdminPortal.IntegrationTests.Devices;

/// <summary>Records what one portal's <see cref="CheckInMetrics.MeterName"/> meter measures while it is alive.</summary>
public sealed class CheckInMeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value)> _measured = [];

    public CheckInMeterRecorder(PortalHost portal)
    {
        // The meter factory hands out one meter per name and host: this portal's, not another test's running beside it.
        var meter = portal.GetService<IMeterFactory>().Create(CheckInMetrics.MeterName);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>The values measured so far by the named instrument, in order.</summary>
    public List<double> Of(string instrument)
    {
        lock (_measured)
        {
            return _measured.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(string instrument, double value)
    {
        lock (_measured)
        {
            _measured.Add((instrument, value));
        }
    }
}
