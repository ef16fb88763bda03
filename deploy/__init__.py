"""Deployment on one machine: the nginx template and the script that runs the processes."""
