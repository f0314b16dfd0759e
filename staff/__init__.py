"""What staff and coordinators use outside the members' conversations."""
