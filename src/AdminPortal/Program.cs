using AdminPortal.Features.Accounts;
using AdminPortal.Features.Accounts.Entra;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance;
using AdminPortal.Features.Dashboard;
using AdminPortal.Features.Devices;
using AdminPortal.Features.Fraud;
using AdminPortal.Features.Incidents;
using AdminPortal.Features.Merchants;
using AdminPortal.Features.Patching;
using AdminPortal.Infrastructure;
using AdminPortal.Infrastructure.CommandLine;
using AdminPortal.Infrastructure.Database;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalInfrastructure();
builder.AddAccounts();
builder.AddEntraSignIn();
builder.AddAudit();
builder.AddDashboard();
builder.AddMerchants();
builder.AddDevices();
builder.AddPatching();
builder.AddCompliance();
builder.AddFraud();
builder.AddIncidents();

var app = builder.Build();

if (PortalCommandLine.IsCommand(args))
{
    return await app.RunPortalCommandAsync(args);
}

await app.MigrateDatabaseAsync();
app.UsePortalInfrastructure();
app.UseAccounts();
app.MapAccounts();
app.MapEntraSignIn();
app.MapMerchants();
app.MapAudit();
app.MapDevices();
app.MapPatching();
app.MapCompliance();
app.MapFraud();
app.MapPortalShell();

await app.RunAsync();
return 0;

/// <summary>Entry point type, public so integration tests can host the portal.</summary>
public partial class Program;
