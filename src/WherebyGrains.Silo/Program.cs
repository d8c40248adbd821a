using WherebyGrains.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddWherebyGrainsSilo();

var app = builder.Build();
app.MapWherebyGrainsSilo();
app.Run();

/// <summary>The silo host's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
