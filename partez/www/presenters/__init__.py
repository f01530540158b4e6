"""What pages show, computed from domain reads (selectors) and shared by several views: a view
module never imports another."""
