using WherebyGrains.Testing;

namespace WherebyGrains.Silo.Tests;

/// <summary>One Azurite and one silo shared by the tests of one class.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private SiloFactory? _silo;

    /// <summary>The running Azurite.</summary>
    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>The running silo.</summary>
    public SiloFactory Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        _silo = new SiloFactory(_azurite.ConnectionString);
        // A silo whose storage misbehaves at start-up can hang rather than fail: bound the wait.
        await Task.Run(() => _silo.CreateClient().Dispose()).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
