namespace AdminPortal.Infrastructure.Shell;

/// <summary>
/// Lets a slice ask the layout to build the current page again from scratch (one per circuit), for a change that
/// alters what every page shows, such as the merchant chosen in the app bar. Pages load their data when they are
/// created, so re-creating them is what makes all of them follow without changes of their own.
/// </summary>
public sealed class PageReload
{
    /// <summary>Changes on every request; the layout keys the page on it.</summary>
    public int Generation { get; private set; }

    public event Action? Requested;

    public void Request()
    {
        Generation++;
        Requested?.Invoke();
    }
}
