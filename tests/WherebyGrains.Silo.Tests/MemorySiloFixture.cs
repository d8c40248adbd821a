namespace WherebyGrains.Silo.Tests;

/// <summary>
/// One silo with memory storage (no Azurite), shared by the tests of one class: for what does not
/// depend on storage (validation of requests, the fuzzing invariants), so those tests are fast.
/// </summary>
public sealed class MemorySiloFixture : IAsyncLifetime
{
    private SiloFactory? _silo;

    /// <summary>The running silo.</summary>
    public SiloFactory Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _silo = new SiloFactory("UseDevelopmentStorage=true", new Dictionary<string, string>
        {
            ["WherebyGrains:Storage:Provider"] = "Memory",
        });
        await Task.Run(() => _silo.CreateClient().Dispose()).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
