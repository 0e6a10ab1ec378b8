"""Stand-ins for the outside services firstmate reads (Meta Marketing API, HubSpot CRM), serving
realistic, fictional data over real HTTP: for the demo and for the adapters' tests."""
